using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Contracts;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Identifiers;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Processing.DeadLetters;

namespace PitPlatform.Processing.Nav;

/// <summary>
/// Applies trade fills to their cell's cash and positions and emits the cell's NAV. Exactly-once in effect over an
/// at-least-once log: the processed-event row (consumer, event_id) is written in the same transaction as the state,
/// together with the NAV update it produced; a redelivered fill changes nothing and re-emits that identical update.
/// NAV updates are produced after the commit and before the handler returns, so the host commits offsets last.
/// </summary>
public sealed class NavProcessor(
    NpgsqlDataSource database, TopicCatalog catalog, EnvelopeProducer producer, DeadLetterWriter deadLetters, ILogger<NavProcessor> logger)
    : IRecordBatchHandler
{
    public const string Group = "nav-processor";
    public const string InputTopic = "pit.v1.exec.trade_fill";
    public const string OutputTopic = "pit.v1.acct.nav_update";

    private readonly EnvelopeValidator _validator = new(catalog);
    private readonly EnvelopeBuilder _envelopes = new(catalog, PitVersion.Producer(Group));

    public string ConsumerGroup => Group;
    public IReadOnlyList<string> Topics { get; } = [InputTopic];

    public async Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
    {
        var poison = new List<(ConsumedRecord Record, string Reason, string Error, EventEnvelope? Envelope)>();
        var fills = new List<TradeFillRecord>(batch.Count);
        foreach (var record in batch)
        {
            var checkedRecord = Decode(record, out var reason, out var error, out var envelope);
            if (checkedRecord is null) poison.Add((record, reason, error, envelope));
            else fills.Add(checkedRecord);
        }

        var outputs = fills.Count == 0 ? [] : await ApplyAsync(fills, poison, cancellationToken).ConfigureAwait(false);

        var letters = Task.WhenAll(poison.Select(p => deadLetters.WriteAsync(p.Record, Group, p.Reason, p.Error, p.Envelope, cancellationToken)));
        var produced = await producer.ProduceBatchAsync(outputs).ConfigureAwait(false);
        await letters.ConfigureAwait(false);
        // Any NAV update Kafka did not take fails the batch: nothing is committed and the redelivered fills
        // re-emit their stored updates.
        if (produced.FirstOrDefault(o => !o.IsStored) is { Error: { } failure }) throw failure;
    }

    private TradeFillRecord? Decode(ConsumedRecord record, out string reason, out string error, out EventEnvelope? envelope)
    {
        var result = _validator.Validate(record.Value, record.Key, record.Topic);
        reason = result.Outcome.ToReason();
        error = result.Detail;
        envelope = result.Envelope;
        if (!result.IsValid) return null;
        reason = DeadLetterReason.InvalidPayload;
        if (result.Envelope!.PayloadType != PayloadTypes.TradeFill || result.Key!.Cell is null)
        {
            error = "a trade fill must be a cell-scoped TradeFillEvent";
            return null;
        }
        TradeFillEvent fill;
        try
        {
            fill = TradeFillEvent.Parser.ParseFrom(result.Envelope.Payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            error = e.Message;
            return null;
        }
        if (TradeFillRecord.Check(fill) is { } problem)
        {
            error = problem;
            return null;
        }
        return new TradeFillRecord(record, result.Envelope, result.EventId, result.Key, fill);
    }

    /// <summary>Applies new fills in one transaction; returns the NAV updates to emit (new and re-emitted).</summary>
    private async Task<List<EventEnvelope>> ApplyAsync(
        List<TradeFillRecord> fills, List<(ConsumedRecord, string, string, EventEnvelope?)> poison, CancellationToken cancellationToken)
    {
        var outputs = new List<EventEnvelope>(fills.Count);
        var processed = new List<(Guid, byte[], byte[])>();
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        var cells = fills.Select(f => f.Cell).Distinct().ToList();
        await NavStateStore.LockCellsAsync(connection, cells, cancellationToken).ConfigureAwait(false);
        var seen = await NavStateStore.FindProcessedAsync(connection, Group, fills.Select(f => f.EventId).Distinct().ToArray(), cancellationToken)
            .ConfigureAwait(false);
        var books = await NavStateStore.LoadBooksAsync(connection, cells, cancellationToken).ConfigureAwait(false);

        foreach (var fill in fills)
        {
            var sha = fill.Envelope.PayloadSha256.ToByteArray();
            if (seen.TryGetValue(fill.EventId, out var earlier))
            {
                if (!earlier.PayloadSha256.AsSpan().SequenceEqual(sha))
                    poison.Add((fill.Record, DeadLetterReason.IdempotencyConflict, $"event {fill.EventId} was applied before with another payload", fill.Envelope));
                else if (earlier.Output is not null)
                    outputs.Add(EventEnvelope.Parser.ParseFrom(earlier.Output));
                continue;
            }
            NavSnapshot nav;
            try
            {
                nav = books[fill.Cell].Apply(fill.Fill);
            }
            catch (OverflowException)
            {
                poison.Add((fill.Record, DeadLetterReason.ArithmeticOverflow, "an amount exceeds 64-bit micros", fill.Envelope));
                continue;
            }
            catch (InvalidFillException e)
            {
                poison.Add((fill.Record, DeadLetterReason.InvalidFill, e.Message, fill.Envelope));
                continue;
            }
            var update = NavUpdate(fill, nav);
            var bytes = update.ToByteArray();
            seen[fill.EventId] = new ProcessedEvent(sha, bytes);
            processed.Add((fill.EventId, sha, bytes));
            outputs.Add(update);
        }

        if (processed.Count > 0)
        {
            await NavStateStore.SaveAsync(connection, Group, books, processed, cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        logger.LogDebug("{Group}: applied {New} fills, re-emitted {Repeat}", Group, processed.Count, outputs.Count - processed.Count);
        return outputs;
    }

    private EventEnvelope NavUpdate(TradeFillRecord fill, NavSnapshot nav) =>
        _envelopes.Build(
            DeterministicGuid.ForDerivedEvent(fill.EventId, Group),
            fill.Envelope.Ts.ToDateTimeOffset(),
            OutputTopic,
            fill.Key,
            new NAVUpdateEvent
            {
                Currency = nav.Currency,
                NavMicros = nav.NavMicros,
                CashMicros = nav.CashMicros,
                PositionsValueMicros = nav.PositionsValueMicros,
                SourceEventId = fill.EventId.ToString("D"),
                FillsApplied = nav.FillsApplied,
            },
            fill.Envelope.Traceparent.Length > 0 ? fill.Envelope.Traceparent : null);
}
