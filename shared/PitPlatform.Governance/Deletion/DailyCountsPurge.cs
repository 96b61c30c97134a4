using Npgsql;
using NpgsqlTypes;
using PitPlatform.Processing.Nav;
using PitPlatform.Processing.RecentEvents;

namespace PitPlatform.Governance.Deletion;

/// <summary>
/// The overview's daily counts (event_counts_daily) hold no series, cell or subject, so a narrower deletion takes
/// away exactly what the recent_events rows it is about to delete added: per day and type, the rows the usage
/// aggregator counted (accepted) and the fills among them the NAV processor applied. Called before those rows go, in
/// the same transaction. A tenant deletion removes all of the tenant's counts. Returns the number of daily rows lowered
/// or removed.
/// </summary>
internal static class DailyCountsPurge
{
    public static async Task<long> SubtractAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenant,
        string where,
        Action<NpgsqlCommand> addParameters,
        CancellationToken cancellationToken
    )
    {
        var gone = new Dictionary<(DateOnly Day, string Type, string Status), long>();
        await using (
            var command = new NpgsqlCommand(
                $"""
                SELECT (r.ts AT TIME ZONE 'UTC')::date, r.type, count(*) FILTER (WHERE r.counted),
                       count(*) FILTER (WHERE EXISTS (
                           SELECT 1 FROM processed_events p WHERE p.consumer = '{NavProcessor.Group}' AND p.event_id = r.event_id))
                FROM recent_events r WHERE {where} GROUP BY 1, 2
                """,
                connection,
                transaction
            )
        )
        {
            addParameters(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var (day, type) = (reader.GetFieldValue<DateOnly>(0), reader.GetString(1));
                if (reader.GetInt64(2) > 0)
                    gone[(day, type, DailyEventCounts.Accepted)] = reader.GetInt64(2);
                if (reader.GetInt64(3) > 0)
                    gone[(day, type, DailyEventCounts.Applied)] = reader.GetInt64(3);
            }
        }
        if (gone.Count == 0)
            return 0;
        // Every slot's row of a key goes, and what is left of their sum comes back as one row in slot 0.
        var left = new List<(DateOnly Day, string Type, string Status, long Events)>();
        await using (
            var command = new NpgsqlCommand(
                """
                WITH gone AS (
                    DELETE FROM event_counts_daily d USING unnest($2::date[], $3::text[], $4::text[]) AS u(day, type, status)
                    WHERE d.tenant = $1 AND d.day = u.day AND d.type = u.type AND d.status = u.status
                    RETURNING d.day, d.type, d.status, d.events)
                SELECT day, type, status, sum(events)::bigint FROM gone GROUP BY 1, 2, 3
                """,
                connection,
                transaction
            )
        )
        {
            command.Parameters.Add(new() { Value = tenant });
            command.Parameters.Add(
                new()
                {
                    Value = gone.Keys.Select(k => k.Day).ToArray(),
                    NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date,
                }
            );
            command.Parameters.Add(new() { Value = gone.Keys.Select(k => k.Type).ToArray() });
            command.Parameters.Add(new() { Value = gone.Keys.Select(k => k.Status).ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var key = (reader.GetFieldValue<DateOnly>(0), reader.GetString(1), reader.GetString(2));
                left.Add((key.Item1, key.Item2, key.Item3, reader.GetInt64(3) - gone[key]));
            }
        }
        var kept = left.Where(l => l.Events > 0).ToList();
        if (kept.Count > 0)
        {
            await using var command = new NpgsqlCommand(
                """
                INSERT INTO event_counts_daily (tenant, day, type, status, slot, events)
                SELECT $1, u.day, u.type, u.status, 0, u.events
                FROM unnest($2::date[], $3::text[], $4::text[], $5::bigint[]) AS u(day, type, status, events)
                """,
                connection,
                transaction
            );
            command.Parameters.Add(new() { Value = tenant });
            command.Parameters.Add(
                new()
                {
                    Value = kept.Select(k => k.Day).ToArray(),
                    NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date,
                }
            );
            command.Parameters.Add(new() { Value = kept.Select(k => k.Type).ToArray() });
            command.Parameters.Add(new() { Value = kept.Select(k => k.Status).ToArray() });
            command.Parameters.Add(new() { Value = kept.Select(k => k.Events).ToArray() });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return left.Count;
    }

    /// <summary>A tenant deletion: every daily count of the tenant.</summary>
    public static async Task<long> RemoveTenantAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenant,
        CancellationToken cancellationToken
    )
    {
        await using var command = new NpgsqlCommand(
            "DELETE FROM event_counts_daily WHERE tenant = $1",
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = tenant });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
