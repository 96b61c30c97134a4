using Google.Protobuf;
using Npgsql;
using NpgsqlTypes;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Keys;
using PitPlatform.Processing.Nav;
using PitPlatform.Processing.Usage;

namespace PitPlatform.Processing.DeadLetters;

/// <summary>
/// Notes each dead letter of a known tenant in dead_lettered_events (migration 0022), so the console can count them
/// per tenant and reason and show an event as dead-lettered. A trade fill or LLM call with an event id also gets a
/// recent_events row (not counted) unless it has one, so the logs list an event the usage aggregator dead-lettered
/// with its reason. Dead letters are rare, so one round trip each is cheap; the row's id is the letter's and the
/// event's row is kept if present, so a retried batch adds nothing.
/// </summary>
public sealed class DeadLetterLedger(NpgsqlDataSource database)
{
    /// <summary>The ingest types recent_events lists: those of the usage aggregator's topics.</summary>
    private static readonly HashSet<string> RecentEventTypes = new(
        [RecentEventsWriter.TypeOf(UsageAggregator.LlmCallTopic), RecentEventsWriter.TypeOf(NavProcessor.InputTopic)],
        StringComparer.Ordinal
    );

    public async Task RecordAsync(
        Guid deadLetterId,
        ConsumedRecord record,
        string consumerGroup,
        string reason,
        CanonicalKey key,
        EventEnvelope? parsed,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        if (key.IsVenue || key.Tenant is not { Length: > 0 } tenant)
            return;
        Guid? eventId = Guid.TryParse(parsed?.EventId, out var id) ? id : null;
        var type = RecentEventsWriter.TypeOf(record.Topic);
        var ts = EventTime(parsed, now);
        await using var batch = database.CreateBatch();
        var letter = new NpgsqlBatchCommand(
            """
            INSERT INTO dead_lettered_events (dead_letter_id, tenant, event_id, type, series, cell, ts, consumer, reason)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (dead_letter_id) DO NOTHING
            """
        );
        letter.Parameters.Add(new() { Value = deadLetterId });
        letter.Parameters.Add(new() { Value = tenant });
        letter.Parameters.Add(new() { Value = (object?)eventId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        letter.Parameters.Add(new() { Value = type });
        letter.Parameters.Add(new() { Value = key.Series ?? "" });
        letter.Parameters.Add(new() { Value = key.Cell ?? "" });
        letter.Parameters.Add(new() { Value = ts });
        letter.Parameters.Add(new() { Value = consumerGroup });
        letter.Parameters.Add(new() { Value = reason });
        batch.BatchCommands.Add(letter);
        // Listed in the logs as dead-lettered when no consumer counted it: the usage aggregator's row, if any, stays.
        if (eventId is { } listed && RecentEventTypes.Contains(type))
        {
            var call = LlmCallOf(parsed!);
            // A poison call's text may be what Postgres refused (a NUL): it is left out rather than fail the note.
            var model = call?.Model is { Length: > 0 and <= 200 } m && Storable(m) ? m : null;
            var userRefHash = call?.UserRefHash is { } u && Storable(u) ? u : "";
            var row = new NpgsqlBatchCommand(
                """
                INSERT INTO recent_events (event_id, tenant, type, ts, series, cell, model, user_ref_hash, counted)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, false) ON CONFLICT (event_id) DO NOTHING
                """
            );
            row.Parameters.Add(new() { Value = listed });
            row.Parameters.Add(new() { Value = tenant });
            row.Parameters.Add(new() { Value = type });
            row.Parameters.Add(new() { Value = ts });
            row.Parameters.Add(new() { Value = key.Series ?? "" });
            row.Parameters.Add(new() { Value = key.Cell ?? "" });
            row.Parameters.Add(new() { Value = (object?)model ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            row.Parameters.Add(new() { Value = userRefHash });
            batch.BatchCommands.Add(row);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The call of an LLM-call envelope, for its model and hashed user (so a subject deletion finds the row); null when
    /// the payload is no call or does not parse.
    /// </summary>
    private static LlmCallEvent? LlmCallOf(EventEnvelope envelope)
    {
        if (envelope.PayloadType != PayloadTypes.LlmCall)
            return null;
        try
        {
            return LlmCallEvent.Parser.ParseFrom(envelope.Payload);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private static bool Storable(string text) => !text.Contains('\0', StringComparison.Ordinal);

    /// <summary>The event's ts when it is one Postgres can hold; a poison record's may be anything, then now.</summary>
    private static DateTimeOffset EventTime(EventEnvelope? parsed, DateTimeOffset now)
    {
        if (parsed?.Ts is not { } ts)
            return now;
        try
        {
            var at = ts.ToDateTimeOffset();
            return at.Year is >= 1970 and <= 9998 ? at : now;
        }
        catch (InvalidOperationException)
        {
            return now;
        }
    }
}
