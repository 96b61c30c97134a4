using Npgsql;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Keys;
using PitPlatform.Processing.Usage;

namespace PitPlatform.Processing.DeadLetters;

/// <summary>
/// Notes each dead letter of a known tenant in dead_lettered_events (migration 0022), so the console can count them
/// per tenant and reason and show an event as dead-lettered. Dead letters are rare, so one insert each is cheap; the
/// row's id is the letter's, so a retried batch adds nothing.
/// </summary>
public sealed class DeadLetterLedger(NpgsqlDataSource database)
{
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
        await using var command = database.CreateCommand(
            """
            INSERT INTO dead_lettered_events (dead_letter_id, tenant, event_id, type, series, cell, ts, consumer, reason)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (dead_letter_id) DO NOTHING
            """
        );
        command.Parameters.Add(new() { Value = deadLetterId });
        command.Parameters.Add(new() { Value = tenant });
        command.Parameters.Add(
            new()
            {
                Value = Guid.TryParse(parsed?.EventId, out var eventId) ? eventId : DBNull.Value,
                NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid,
            }
        );
        command.Parameters.Add(new() { Value = RecentEventsWriter.TypeOf(record.Topic) });
        command.Parameters.Add(new() { Value = key.Series ?? "" });
        command.Parameters.Add(new() { Value = key.Cell ?? "" });
        command.Parameters.Add(new() { Value = EventTime(parsed, now) });
        command.Parameters.Add(new() { Value = consumerGroup });
        command.Parameters.Add(new() { Value = reason });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

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
