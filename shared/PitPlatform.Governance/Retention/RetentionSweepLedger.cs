using Npgsql;

namespace PitPlatform.Governance.Retention;

/// <summary>
/// retention_sweeps (migration 0014): one row per sweep with what it deleted so far per store. Counts are added in
/// each chunk's transaction, so a sweep resumed after a crash ends with the whole count, and completion is marked in
/// the transaction of the sweep's audit entry, so a redelivered sweep is neither redone nor audited twice.
/// </summary>
internal static class RetentionSweepLedger
{
    /// <summary>
    /// Records the sweep if new; returns the cutoff it runs with (the first one recorded) and whether it completed.
    /// </summary>
    public static async Task<(DateTimeOffset Cutoff, bool Completed)> StartAsync(
        NpgsqlDataSource database,
        Guid sweepId,
        string tenant,
        DateTimeOffset cutoff,
        CancellationToken cancellationToken
    )
    {
        await using var command = database.CreateCommand(
            """
            WITH added AS (
                INSERT INTO retention_sweeps (sweep_id, tenant, cutoff) VALUES ($1, $2, $3) ON CONFLICT (sweep_id) DO NOTHING
                RETURNING cutoff, completed_at)
            SELECT cutoff, completed_at FROM added
            UNION ALL SELECT cutoff, completed_at FROM retention_sweeps WHERE sweep_id = $1
            LIMIT 1
            """
        );
        command.Parameters.Add(new() { Value = sweepId });
        command.Parameters.Add(new() { Value = tenant });
        command.Parameters.Add(new() { Value = cutoff });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetFieldValue<DateTimeOffset>(0), !reader.IsDBNull(1));
    }

    public static async Task AddAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        Guid sweepId,
        string store,
        long count,
        CancellationToken cancellationToken
    )
    {
        await using var command = new NpgsqlCommand(
            "UPDATE retention_sweeps SET deleted = deleted || jsonb_build_object($2::text, "
                + "coalesce((deleted->>$2)::bigint, 0) + $3) WHERE sweep_id = $1",
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = sweepId });
        command.Parameters.Add(new() { Value = store });
        command.Parameters.Add(new() { Value = count });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks the sweep complete; null when another run completed it first. Returns the counts per store as JSON.
    /// </summary>
    public static async Task<string?> CompleteAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        Guid sweepId,
        CancellationToken cancellationToken
    )
    {
        await using var command = new NpgsqlCommand(
            "UPDATE retention_sweeps SET completed_at = now() WHERE sweep_id = $1 AND completed_at IS NULL "
                + "RETURNING deleted::text",
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = sweepId });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }
}
