using Npgsql;
using NpgsqlTypes;
using PitPlatform.Processing.Nav;
using PitPlatform.Processing.Usage;

namespace PitPlatform.Processing.RecentEvents;

/// <summary>
/// The tenant's own lag in time: how long ago the oldest pending trade fill of the window (accepted, counted by the
/// usage aggregator, neither applied by the NAV processor nor dead-lettered) was accepted. Group lag in records is
/// shared by every tenant on a partition; this is not. Only the ranges that can hold a pending fill are searched: the
/// partial days at the window's edges and the whole days whose rollup has more fills accepted than applied, so a
/// window whose fills were all applied costs one rollup read.
/// </summary>
public static class OldestPendingFill
{
    private static readonly string FillType = RecentEventsWriter.TypeOf(NavProcessor.InputTopic);

    /// <summary>
    /// The age in whole seconds at <paramref name="now"/>, or null when no fill of the window is pending.
    /// </summary>
    public static async Task<long?> AgeSecondsAsync(
        NpgsqlDataSource database,
        string tenant,
        DateTimeOffset from,
        DateTimeOffset to,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var (firstDay, endDay) = OverviewCounts.WholeDays(from, to);
        var ranges = new List<(DateTimeOffset From, DateTimeOffset To)>();
        if (firstDay < endDay)
        {
            ranges.Add((from, Start(firstDay)));
            await using var rollup = database.CreateCommand(
                """
                SELECT day FROM event_counts_daily WHERE tenant = $1 AND type = $2 AND day >= $3 AND day < $4
                GROUP BY day
                HAVING coalesce(sum(events) FILTER (WHERE status = $5), 0) > coalesce(sum(events) FILTER (WHERE status = $6), 0)
                ORDER BY day
                """
            );
            rollup.Parameters.Add(new() { Value = tenant });
            rollup.Parameters.Add(new() { Value = FillType });
            rollup.Parameters.Add(new() { Value = firstDay });
            rollup.Parameters.Add(new() { Value = endDay });
            rollup.Parameters.Add(new() { Value = DailyEventCounts.Accepted });
            rollup.Parameters.Add(new() { Value = DailyEventCounts.Applied });
            await using (var reader = await rollup.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var day = reader.GetFieldValue<DateOnly>(0);
                    ranges.Add((Start(day), Start(day.AddDays(1))));
                }
            }
            ranges.Add((Start(endDay), to));
        }
        else
            ranges.Add((from, to));
        ranges.RemoveAll(r => r.From >= r.To);
        if (ranges.Count == 0)
            return null;

        await using var command = database.CreateCommand(
            $"""
            SELECT min(p.accepted_at) FROM unnest($2::timestamptz[], $3::timestamptz[]) AS w(f, t)
            CROSS JOIN LATERAL (
                SELECT r.accepted_at FROM recent_events r
                WHERE r.tenant = $1 AND r.ts >= w.f AND r.ts < w.t AND r.type = '{FillType}' AND r.counted
                  AND NOT EXISTS (SELECT 1 FROM processed_events n WHERE n.consumer = '{NavProcessor.Group}' AND n.event_id = r.event_id)
                  AND NOT EXISTS (SELECT 1 FROM dead_lettered_events d WHERE d.event_id = r.event_id AND d.tenant = r.tenant)) p
            """
        );
        command.Parameters.Add(new() { Value = tenant });
        command.Parameters.Add(
            new()
            {
                Value = ranges.Select(r => r.From).ToArray(),
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
            }
        );
        command.Parameters.Add(
            new()
            {
                Value = ranges.Select(r => r.To).ToArray(),
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
            }
        );
        var oldest = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (oldest is not DateTime acceptedAt)
            return null;
        var age = now - new DateTimeOffset(DateTime.SpecifyKind(acceptedAt, DateTimeKind.Utc));
        return Math.Max(0, (long)age.TotalSeconds);
    }

    private static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
