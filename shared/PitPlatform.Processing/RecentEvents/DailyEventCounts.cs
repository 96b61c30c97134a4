using Npgsql;
using NpgsqlTypes;

namespace PitPlatform.Processing.RecentEvents;

/// <summary>One event for the per-day rollup: its tenant, UTC day (of its ts) and ingest type.</summary>
public readonly record struct DailyEventKey(string Tenant, DateOnly Day, string Type);

/// <summary>
/// The console overview's rollup, event_counts_daily (migration 0021): a consumer adds its batch's counts per tenant,
/// day and type in one multi-row upsert, inside the transaction that writes its processed rows, so a redelivered
/// batch adds nothing. Rows go in key order, so concurrent writers lock them in the same order and never deadlock.
/// </summary>
public static class DailyEventCounts
{
    /// <summary>Written by the usage aggregator for every recent_events row it writes.</summary>
    public const string Accepted = "accepted";

    /// <summary>Written by the NAV processor for every fill it applies.</summary>
    public const string Applied = "applied";

    /// <summary>The upsert adding one per event, or null when there is none.</summary>
    public static NpgsqlBatchCommand? UpsertCommand(IEnumerable<DailyEventKey> events, string status, short slot)
    {
        var counts = events
            .GroupBy(e => e)
            .Select(g => (g.Key, Events: (long)g.Count()))
            .OrderBy(c => c.Key.Tenant, StringComparer.Ordinal)
            .ThenBy(c => c.Key.Day)
            .ThenBy(c => c.Key.Type, StringComparer.Ordinal)
            .ToList();
        if (counts.Count == 0)
            return null;
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO event_counts_daily (tenant, day, type, status, slot, events)
            SELECT u.tenant, u.day, u.type, $4, $5, u.events
            FROM unnest($1::text[], $2::date[], $3::text[], $6::bigint[]) WITH ORDINALITY AS u(tenant, day, type, events, n)
            ORDER BY u.n
            ON CONFLICT (tenant, day, type, status, slot) DO UPDATE SET events = event_counts_daily.events + excluded.events
            """
        );
        command.Parameters.Add(new() { Value = counts.Select(c => c.Key.Tenant).ToArray() });
        command.Parameters.Add(
            new()
            {
                Value = counts.Select(c => c.Key.Day).ToArray(),
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date,
            }
        );
        command.Parameters.Add(new() { Value = counts.Select(c => c.Key.Type).ToArray() });
        command.Parameters.Add(new() { Value = status });
        command.Parameters.Add(new() { Value = slot });
        command.Parameters.Add(new() { Value = counts.Select(c => c.Events).ToArray() });
        return command;
    }
}
