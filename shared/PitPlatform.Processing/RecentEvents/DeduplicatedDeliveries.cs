using Npgsql;
using PitPlatform.Processing.Usage;

namespace PitPlatform.Processing.RecentEvents;

/// <summary>
/// Notes second deliveries of already processed events in deduplicated_deliveries (migration 0025), inside the
/// consumer's transaction, so the logs can show an event as deduplicated. Keyed by the duplicate record's own
/// position: a replayed batch adds nothing. Rows go in key order, so concurrent writers never deadlock on them.
/// </summary>
public static class DeduplicatedDeliveries
{
    public static async Task WriteAsync(
        NpgsqlConnection connection,
        string consumer,
        IReadOnlyList<UsageEvent> duplicates,
        CancellationToken cancellationToken
    )
    {
        if (duplicates.Count == 0)
            return;
        var rows = duplicates
            .DistinctBy(d => (d.Record.Topic, d.Record.Partition, d.Record.Offset))
            .OrderBy(d => d.Record.Topic, StringComparer.Ordinal)
            .ThenBy(d => d.Record.Partition)
            .ThenBy(d => d.Record.Offset)
            .ToList();
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO deduplicated_deliveries
                (consumer, source_topic, source_partition, source_offset,
                 tenant, event_id, series, cell, user_ref_hash, ts)
            SELECT $1, u.topic, u.partition, u.offset_, u.tenant, u.event_id, u.series, u.cell, u.user_ref_hash, u.ts
            FROM unnest($2::text[], $3::int[], $4::bigint[], $5::text[], $6::uuid[], $7::text[], $8::text[], $9::text[],
                        $10::timestamptz[]) WITH ORDINALITY
                AS u(topic, partition, offset_, tenant, event_id, series, cell, user_ref_hash, ts, n)
            ORDER BY u.n
            ON CONFLICT (consumer, source_topic, source_partition, source_offset) DO NOTHING
            """,
            connection
        );
        command.Parameters.Add(new() { Value = consumer });
        command.Parameters.Add(new() { Value = rows.Select(d => d.Record.Topic).ToArray() });
        command.Parameters.Add(new() { Value = rows.Select(d => d.Record.Partition).ToArray() });
        command.Parameters.Add(new() { Value = rows.Select(d => d.Record.Offset).ToArray() });
        command.Parameters.Add(new() { Value = rows.Select(d => d.Tenant).ToArray() });
        command.Parameters.Add(new() { Value = rows.Select(d => d.EventId).ToArray() });
        command.Parameters.Add(new() { Value = rows.Select(d => d.Envelope.Series).ToArray() });
        command.Parameters.Add(new() { Value = rows.Select(d => d.Envelope.Cell).ToArray() });
        command.Parameters.Add(new() { Value = rows.Select(d => d.Call?.UserRefHash ?? "").ToArray() });
        command.Parameters.Add(new() { Value = rows.Select(d => d.Envelope.Ts.ToDateTime()).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
