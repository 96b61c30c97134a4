using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Processing.DeadLetters;

namespace PitPlatform.Processing.Nav;

/// <summary>
/// Stores NAV updates as points for the query API. The point's primary key is the update's event_id, so a
/// redelivered or re-emitted update is a no-op.
/// </summary>
public sealed class NavAnalyticsConsumer(
    NpgsqlDataSource database,
    TopicCatalog catalog,
    DeadLetterWriter deadLetters,
    ILogger<NavAnalyticsConsumer> logger
) : IRecordBatchHandler
{
    public const string Group = "nav-analytics";

    private readonly EnvelopeValidator _validator = new(catalog);

    public string ConsumerGroup => Group;
    public IReadOnlyList<string> Topics { get; } = [NavProcessor.OutputTopic];

    public async Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
    {
        var points = new List<(EventEnvelope Envelope, Guid Id, NAVUpdateEvent Nav)>(batch.Count);
        var poison = new List<Task>();
        foreach (var record in batch)
        {
            var result = _validator.Validate(record.Value, record.Key, record.Topic);
            if (!result.IsValid)
            {
                poison.Add(
                    deadLetters.WriteAsync(
                        record,
                        Group,
                        result.Outcome.ToReason(),
                        result.Detail,
                        result.Envelope,
                        cancellationToken
                    )
                );
                continue;
            }
            NAVUpdateEvent nav;
            try
            {
                nav = NAVUpdateEvent.Parser.ParseFrom(result.Envelope!.Payload);
            }
            catch (InvalidProtocolBufferException e)
            {
                poison.Add(
                    deadLetters.WriteAsync(
                        record,
                        Group,
                        DeadLetterReason.InvalidPayload,
                        e.Message,
                        result.Envelope,
                        cancellationToken
                    )
                );
                continue;
            }
            if (result.Key!.Cell is null || nav.Currency.Length != 3)
            {
                poison.Add(
                    deadLetters.WriteAsync(
                        record,
                        Group,
                        DeadLetterReason.InvalidPayload,
                        "a NAV update must be cell-scoped and name its currency",
                        result.Envelope,
                        cancellationToken
                    )
                );
                continue;
            }
            points.Add((result.Envelope, result.EventId, nav));
        }
        if (points.Count > 0)
            await StoreAsync(points, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(poison).ConfigureAwait(false);
    }

    private async Task StoreAsync(
        List<(EventEnvelope Envelope, Guid Id, NAVUpdateEvent Nav)> points,
        CancellationToken cancellationToken
    )
    {
        await using var command = database.CreateCommand(
            """
            INSERT INTO nav_points (event_id, tenant, series, cell, currency, ts, nav_micros, cash_micros, positions_value_micros, fills_applied)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
                                 $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[])
            ON CONFLICT (event_id) DO NOTHING
            """
        );
        command.Parameters.Add(new() { Value = points.Select(p => p.Id).ToArray() });
        command.Parameters.Add(new() { Value = points.Select(p => p.Envelope.Tenant).ToArray() });
        command.Parameters.Add(new() { Value = points.Select(p => p.Envelope.Series).ToArray() });
        command.Parameters.Add(new() { Value = points.Select(p => p.Envelope.Cell).ToArray() });
        command.Parameters.Add(new() { Value = points.Select(p => p.Nav.Currency).ToArray() });
        command.Parameters.Add(new() { Value = points.Select(p => p.Envelope.Ts.ToDateTime()).ToArray() });
        command.Parameters.Add(new() { Value = points.Select(p => p.Nav.NavMicros).ToArray() });
        command.Parameters.Add(new() { Value = points.Select(p => p.Nav.CashMicros).ToArray() });
        command.Parameters.Add(new() { Value = points.Select(p => p.Nav.PositionsValueMicros).ToArray() });
        command.Parameters.Add(new() { Value = points.Select(p => p.Nav.FillsApplied).ToArray() });
        var inserted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        logger.LogDebug("{Group}: stored {Inserted} of {Count} NAV points", Group, inserted, points.Count);
    }
}
