using Npgsql;
using PitPlatform.Processing.RecentEvents;

namespace PitPlatform.Processing.Usage;

/// <summary>
/// Writes the console's recent-events rows (metadata only: no payload, no text) inside the usage aggregator's
/// transaction, and adds them to the overview's per-day rollup (<see cref="DailyEventCounts.Accepted"/>) in the same
/// round trip. The caller passes only events it has not processed before, so the rollup counts each once. A row the
/// dead-letter ledger wrote first (another consumer dead-lettered the event) is marked counted.
/// </summary>
public static class RecentEventsWriter
{
    public static async Task WriteAsync(
        NpgsqlConnection connection,
        IReadOnlyList<UsageEvent> events,
        CancellationToken cancellationToken
    )
    {
        if (events.Count == 0)
            return;
        await using var batch = new NpgsqlBatch(connection);
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO recent_events (event_id, tenant, type, ts, series, cell, model, user_ref_hash)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[])
            ON CONFLICT (event_id) DO UPDATE SET counted = true WHERE NOT recent_events.counted
            """
        );
        batch.BatchCommands.Add(command);
        command.Parameters.Add(new() { Value = events.Select(e => e.EventId).ToArray() });
        command.Parameters.Add(new() { Value = events.Select(e => e.Tenant).ToArray() });
        command.Parameters.Add(new() { Value = events.Select(e => TypeOf(e.Record.Topic)).ToArray() });
        command.Parameters.Add(new() { Value = events.Select(e => e.Envelope.Ts.ToDateTime()).ToArray() });
        command.Parameters.Add(new() { Value = events.Select(e => e.Envelope.Series).ToArray() });
        command.Parameters.Add(new() { Value = events.Select(e => e.Envelope.Cell).ToArray() });
        command.Parameters.Add(new() { Value = events.Select(e => e.Call?.Model).ToArray() });
        command.Parameters.Add(new() { Value = events.Select(e => e.Call?.UserRefHash ?? "").ToArray() });
        batch.BatchCommands.Add(
            DailyEventCounts.UpsertCommand(
                events.Select(e => new DailyEventKey(e.Tenant, e.Day, TypeOf(e.Record.Topic))),
                DailyEventCounts.Accepted,
                slot: 0
            )!
        );
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The ingest type of a catalog topic: pit.v1.exec.trade_fill is exec.trade_fill.</summary>
    public static string TypeOf(string topic)
    {
        var parts = topic.Split('.');
        return parts.Length >= 4 ? $"{parts[^2]}.{parts[^1]}" : topic;
    }
}
