using Npgsql;

namespace PitPlatform.Processing.Archive;

/// <summary>The archive chain heads in Postgres (migration 0010).</summary>
public static class ArchiveChainStore
{
    /// <summary>
    /// Takes the chain's transaction-scoped advisory lock and reads its head (null before the first range). The lock
    /// makes a second archiver that briefly owns the same partition (a rebalance) wait and then see the advanced head,
    /// instead of writing a competing range.
    /// </summary>
    public static async Task<ArchiveChainHead?> LockAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string topic,
        int partition,
        CancellationToken cancellationToken
    )
    {
        await using (
            var lockCommand = new NpgsqlCommand(
                "SELECT pg_advisory_xact_lock(hashtext('archive:' || $1), $2)",
                connection,
                transaction
            )
        )
        {
            lockCommand.Parameters.Add(new() { Value = topic });
            lockCommand.Parameters.Add(new() { Value = partition });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using var command = new NpgsqlCommand(
            """
            SELECT topic, partition, last_offset, manifest_name, manifest_sha256, ranges, records
            FROM archive_chain_heads WHERE topic = $1 AND partition = $2
            """,
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = topic });
        command.Parameters.Add(new() { Value = partition });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <summary>
    /// Moves the head to <paramref name="head"/>; inside the transaction that holds the chain's lock.
    /// </summary>
    public static async Task AdvanceAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        ArchiveChainHead head,
        CancellationToken cancellationToken
    )
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO archive_chain_heads (topic, partition, last_offset, manifest_name, manifest_sha256, ranges, records, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, now())
            ON CONFLICT (topic, partition) DO UPDATE SET
                last_offset = EXCLUDED.last_offset, manifest_name = EXCLUDED.manifest_name,
                manifest_sha256 = EXCLUDED.manifest_sha256, ranges = EXCLUDED.ranges, records = EXCLUDED.records,
                updated_at = EXCLUDED.updated_at
            """,
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = head.Topic });
        command.Parameters.Add(new() { Value = head.Partition });
        command.Parameters.Add(new() { Value = head.LastOffset });
        command.Parameters.Add(new() { Value = head.ManifestName });
        command.Parameters.Add(new() { Value = head.ManifestSha256 });
        command.Parameters.Add(new() { Value = head.Ranges });
        command.Parameters.Add(new() { Value = head.Records });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every head, optionally of one topic and partition.</summary>
    public static async Task<IReadOnlyList<ArchiveChainHead>> ReadAllAsync(
        NpgsqlDataSource database,
        string? topic,
        int? partition,
        CancellationToken cancellationToken
    )
    {
        await using var command = database.CreateCommand(
            """
            SELECT topic, partition, last_offset, manifest_name, manifest_sha256, ranges, records
            FROM archive_chain_heads
            WHERE ($1::text IS NULL OR topic = $1) AND ($2::integer IS NULL OR partition = $2)
            ORDER BY topic, partition
            """
        );
        command.Parameters.Add(
            new() { Value = (object?)topic ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
        );
        command.Parameters.Add(
            new() { Value = (object?)partition ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer }
        );
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var heads = new List<ArchiveChainHead>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            heads.Add(Read(reader));
        return heads;
    }

    private static ArchiveChainHead Read(NpgsqlDataReader reader) =>
        new(
            reader.GetString(0),
            reader.GetInt32(1),
            reader.GetInt64(2),
            reader.GetString(3),
            reader.GetString(4),
            reader.GetInt64(5),
            reader.GetInt64(6)
        );
}
