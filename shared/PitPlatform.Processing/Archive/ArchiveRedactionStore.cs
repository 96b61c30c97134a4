using Npgsql;

namespace PitPlatform.Processing.Archive;

/// <summary>The redaction records of archive range files (table archive_redactions, migration 0017).</summary>
public static class ArchiveRedactionStore
{
    /// <summary>Whether this exact rewrite (range, original hash, new hash) is recorded already.</summary>
    public static async Task<bool> ExistsAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string rangeName,
        string originalSha256,
        string newSha256,
        CancellationToken cancellationToken
    )
    {
        await using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM archive_redactions WHERE range_name = $1 AND original_sha256 = $2 "
                + "AND new_sha256 = $3)",
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = rangeName });
        command.Parameters.Add(new() { Value = originalSha256 });
        command.Parameters.Add(new() { Value = newSha256 });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public static async Task InsertAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        ArchiveRedaction redaction,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(redaction);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO archive_redactions (range_name, original_sha256, new_sha256, topic, partition, first_offset, last_offset,
                                            records_removed, new_bytes, deletion_id, tenant, audit_sequence)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            """,
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = redaction.RangeName });
        command.Parameters.Add(new() { Value = redaction.OriginalSha256 });
        command.Parameters.Add(new() { Value = redaction.NewSha256 });
        command.Parameters.Add(new() { Value = redaction.Topic });
        command.Parameters.Add(new() { Value = redaction.Partition });
        command.Parameters.Add(new() { Value = redaction.FirstOffset });
        command.Parameters.Add(new() { Value = redaction.LastOffset });
        command.Parameters.Add(new() { Value = redaction.RecordsRemoved });
        command.Parameters.Add(new() { Value = redaction.NewBytes });
        command.Parameters.Add(new() { Value = redaction.DeletionId });
        command.Parameters.Add(new() { Value = redaction.Tenant });
        command.Parameters.Add(new() { Value = redaction.AuditSequence });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The redactions of the chains asked for, by range name; only those backed by their archive.redacted audit entry
    /// (same range and hashes), so a row forged outside the deletion workflow does not excuse an altered file, and a
    /// forged audit entry is what <c>pit audit verify</c> catches.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, List<ArchiveRedaction>>> ReadAuditedAsync(
        NpgsqlDataSource database,
        string? topic,
        int? partition,
        CancellationToken cancellationToken
    )
    {
        await using var command = database.CreateCommand(
            """
            SELECT r.range_name, r.topic, r.partition, r.first_offset, r.last_offset, r.original_sha256, r.new_sha256, r.records_removed,
                   r.new_bytes, r.deletion_id, r.tenant, r.audit_sequence
            FROM archive_redactions r
            JOIN audit_entries a ON a.tenant = r.tenant AND a.sequence = r.audit_sequence AND a.action = 'archive.redacted'
                AND a.details->>'range' = r.range_name AND a.details->>'original_sha256' = r.original_sha256
                AND a.details->>'new_sha256' = r.new_sha256
            WHERE ($1::text IS NULL OR r.topic = $1) AND ($2::integer IS NULL OR r.partition = $2)
            """
        );
        command.Parameters.Add(
            new() { Value = (object?)topic ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
        );
        command.Parameters.Add(
            new() { Value = (object?)partition ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer }
        );
        var byRange = new Dictionary<string, List<ArchiveRedaction>>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var redaction = new ArchiveRedaction(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetInt32(2),
                reader.GetInt64(3),
                reader.GetInt64(4),
                reader.GetString(5),
                reader.GetString(6),
                reader.GetInt32(7),
                reader.GetInt64(8),
                reader.GetGuid(9),
                reader.GetString(10),
                reader.GetInt64(11)
            );
            if (!byRange.TryGetValue(redaction.RangeName, out var list))
                byRange[redaction.RangeName] = list = [];
            list.Add(redaction);
        }
        return byRange;
    }

    /// <summary>
    /// The path of redactions from the manifest's hash to the file's hash (several rewrites in a row allowed), or null
    /// when none leads there. Breadth-first, so cycles and dead ends (a rewrite recorded but never applied) are
    /// harmless.
    /// </summary>
    public static IReadOnlyList<ArchiveRedaction>? PathBetween(
        IReadOnlyList<ArchiveRedaction> redactions,
        string fromSha256,
        string toSha256
    )
    {
        ArgumentNullException.ThrowIfNull(redactions);
        var cameFrom = new Dictionary<string, ArchiveRedaction?>(StringComparer.Ordinal) { [fromSha256] = null };
        var queue = new Queue<string>([fromSha256]);
        while (queue.Count > 0)
        {
            var at = queue.Dequeue();
            if (at == toSha256)
            {
                var path = new List<ArchiveRedaction>();
                for (var step = cameFrom[at]; step is not null; step = cameFrom[step.OriginalSha256])
                    path.Add(step);
                path.Reverse();
                return path;
            }
            foreach (var next in redactions.Where(r => r.OriginalSha256 == at && !cameFrom.ContainsKey(r.NewSha256)))
            {
                cameFrom[next.NewSha256] = next;
                queue.Enqueue(next.NewSha256);
            }
        }
        return null;
    }
}
