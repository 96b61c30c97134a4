using Npgsql;

namespace PitPlatform.Processing.Archive;

/// <summary>
/// archive_retention_marks (migration 0014): per chain, the last offset whose range file retention removed. The
/// manifests stay, so the chain still verifies from genesis; only a range file at or below the mark may be missing.
/// </summary>
public static class ArchiveRetentionMarks
{
    public static async Task<IReadOnlyDictionary<(string Topic, int Partition), long>> ReadAllAsync(
        NpgsqlDataSource database,
        CancellationToken cancellationToken
    )
    {
        await using var command = database.CreateCommand(
            "SELECT topic, partition, pruned_through FROM archive_retention_marks"
        );
        var marks = new Dictionary<(string, int), long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            marks[(reader.GetString(0), reader.GetInt32(1))] = reader.GetInt64(2);
        return marks;
    }

    /// <summary>Raises a chain's mark; never lowers it, so two sweeps racing end at the higher one.</summary>
    public static async Task RaiseAsync(
        NpgsqlDataSource database,
        string topic,
        int partition,
        long prunedThrough,
        DateTimeOffset horizon,
        CancellationToken cancellationToken
    )
    {
        await using var command = database.CreateCommand(
            """
            INSERT INTO archive_retention_marks (topic, partition, pruned_through, horizon) VALUES ($1, $2, $3, $4)
            ON CONFLICT (topic, partition) DO UPDATE SET pruned_through = greatest(archive_retention_marks.pruned_through, excluded.pruned_through),
                horizon = excluded.horizon, updated_at = now()
            """
        );
        command.Parameters.Add(new() { Value = topic });
        command.Parameters.Add(new() { Value = partition });
        command.Parameters.Add(new() { Value = prunedThrough });
        command.Parameters.Add(new() { Value = horizon });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
