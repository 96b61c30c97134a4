using Npgsql;
using PitPlatform.Processing.Nav;
using PitPlatform.Processing.Usage;

namespace PitPlatform.Processing.RecentEvents;

/// <summary>
/// The overview's counts per type and status over [from, to). Whole UTC days come from the event_counts_daily rollup
/// (a few rows per day), so a 30-day window reads about 30 rows instead of every event; only the partial days at the
/// edges are counted live from recent_events, with each fill's status read from processed_events. A rollup day's
/// pending fills are those accepted and not yet applied: the NAV processor may count a fill before the usage
/// aggregator does, so applied is capped at accepted, as the live count only sees fills recent_events holds; of the
/// rest, those in dead_lettered_events are dead-lettered, not pending. Live counts read only the rows the usage
/// aggregator counted, as the rollup does: an event it dead-lettered is in the overview's dead letters instead.
/// </summary>
public static class OverviewCounts
{
    private static readonly string FillType = RecentEventsWriter.TypeOf(NavProcessor.InputTopic);

    public static async Task<List<OverviewCount>> ReadAsync(
        NpgsqlDataSource database,
        string tenant,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken
    )
    {
        var (firstDay, endDay) = WholeDays(from, to);
        var wholeDays = firstDay < endDay;
        var (edgeEnd, edgeStart) = wholeDays ? (Start(firstDay), Start(endDay)) : (to, to);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        var live = new NpgsqlBatchCommand(
            $"""
            SELECT type, status, count(*) FROM (
                SELECT r.type, {RecentEventStatus.Sql} AS status FROM recent_events r
                WHERE r.tenant = $1 AND r.counted AND ((r.ts >= $2 AND r.ts < $3) OR (r.ts >= $4 AND r.ts < $5))) s
            GROUP BY type, status
            """
        );
        live.Parameters.Add(new() { Value = tenant });
        live.Parameters.Add(new() { Value = from });
        live.Parameters.Add(new() { Value = edgeEnd });
        live.Parameters.Add(new() { Value = edgeStart });
        live.Parameters.Add(new() { Value = to });
        batch.BatchCommands.Add(live);
        var rollup = new NpgsqlBatchCommand(
            """
            SELECT type, coalesce(sum(events) FILTER (WHERE status = $4), 0),
                   coalesce(sum(events) FILTER (WHERE status = $5), 0)
            FROM event_counts_daily WHERE tenant = $1 AND day >= $2 AND day < $3
            GROUP BY type
            """
        );
        rollup.Parameters.Add(new() { Value = tenant });
        rollup.Parameters.Add(new() { Value = firstDay });
        rollup.Parameters.Add(new() { Value = wholeDays ? endDay : firstDay });
        rollup.Parameters.Add(new() { Value = DailyEventCounts.Accepted });
        rollup.Parameters.Add(new() { Value = DailyEventCounts.Applied });
        batch.BatchCommands.Add(rollup);
        // Fills of the whole days a consumer dead-lettered instead of applying: the rollup counts them as pending.
        var deadFills = new NpgsqlBatchCommand(
            $"""
            SELECT count(DISTINCT d.event_id) FROM dead_lettered_events d
            WHERE d.tenant = $1 AND d.type = '{FillType}' AND d.ts >= $2 AND d.ts < $3 AND d.event_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM processed_events p WHERE p.consumer = '{NavProcessor.Group}' AND p.event_id = d.event_id)
            """
        );
        deadFills.Parameters.Add(new() { Value = tenant });
        deadFills.Parameters.Add(new() { Value = edgeEnd });
        deadFills.Parameters.Add(new() { Value = wholeDays ? edgeStart : edgeEnd });
        batch.BatchCommands.Add(deadFills);

        var counts = new Dictionary<(string Type, string Status), long>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            Add(counts, reader.GetString(0), reader.GetString(1), reader.GetInt64(2));
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var (type, accepted, applied) = (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2));
            if (type != FillType)
            {
                Add(counts, type, RecentEventStatus.Counted, accepted);
                continue;
            }
            var appliedOfAccepted = Math.Min(applied, accepted);
            Add(counts, type, RecentEventStatus.Applied, appliedOfAccepted);
            Add(counts, type, RecentEventStatus.Pending, accepted - appliedOfAccepted);
        }
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && reader.GetInt64(0) > 0)
        {
            var dead = Math.Min(reader.GetInt64(0), counts.GetValueOrDefault((FillType, RecentEventStatus.Pending)));
            Add(counts, FillType, RecentEventStatus.Pending, -dead);
            Add(counts, FillType, RecentEventStatus.DeadLettered, dead);
        }
        return counts
            .Where(c => c.Value > 0)
            .OrderBy(c => c.Key.Type, StringComparer.Ordinal)
            .ThenBy(c => c.Key.Status, StringComparer.Ordinal)
            .Select(c => new OverviewCount(c.Key.Type, c.Key.Status, c.Value))
            .ToList();
    }

    /// <summary>The UTC days lying wholly inside [from, to): first day inclusive, end day exclusive.</summary>
    public static (DateOnly First, DateOnly End) WholeDays(DateTimeOffset from, DateTimeOffset to)
    {
        var first = DateOnly.FromDateTime(from.UtcDateTime);
        if (Start(first) < from)
            first = first.AddDays(1);
        var end = DateOnly.FromDateTime(to.UtcDateTime);
        return (first, end < first ? first : end);
    }

    private static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private static void Add(Dictionary<(string, string), long> counts, string type, string status, long events) =>
        counts[(type, status)] = counts.GetValueOrDefault((type, status)) + events;
}
