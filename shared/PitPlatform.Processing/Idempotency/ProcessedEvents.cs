using Npgsql;
using NpgsqlTypes;

namespace PitPlatform.Processing.Idempotency;

/// <summary>
/// The idempotency records of consumers that emit an output per event (processed_events). A redelivered event
/// re-emits its stored output only when its source record lies beyond its partition's <see cref="ConsumerWatermarks"/>
/// mark, i.e. when the consumer may have stopped between its Postgres commit and Kafka's acknowledgement.
/// </summary>
public static class ProcessedEvents
{
    /// <summary>
    /// Which of <paramref name="eventIds"/> <paramref name="consumer"/> has processed: one primary-key probe per id.
    /// Written as a lateral lookup rather than <c>event_id = ANY($2)</c> because the plan must not depend on
    /// statistics: between two autovacuum analyses of a fast-growing table the planner underestimates a consumer's rows
    /// and scans all of them (38 ms for 1,250 ids at 100,000 rows, growing with the table, against 2.4 ms for the
    /// probes).
    /// </summary>
    public static async Task<Dictionary<Guid, ProcessedEvent>> FindAsync(
        NpgsqlConnection connection,
        string consumer,
        Guid[] eventIds,
        CancellationToken cancellationToken
    )
    {
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { FindCommand(consumer, eventIds) } };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadFoundAsync(reader, eventIds.Length, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The lookup of <see cref="FindAsync"/>, to send in the caller's batch and read with <see cref="ReadFoundAsync"/>.
    /// </summary>
    public static NpgsqlBatchCommand FindCommand(string consumer, Guid[] eventIds)
    {
        var command = new NpgsqlBatchCommand(
            """
            SELECT p.event_id, p.payload_sha256,
                   CASE WHEN w.handled_through IS NULL OR p.source_offset IS NULL OR p.source_offset > w.handled_through
                        THEN p.output END,
                   p.source_topic, p.source_partition, p.source_offset
            FROM unnest($2::uuid[]) AS k(event_id)
            CROSS JOIN LATERAL (
                SELECT * FROM processed_events e WHERE e.consumer = $1 AND e.event_id = k.event_id LIMIT 1) p
            LEFT JOIN consumer_watermarks w
              ON w.consumer = p.consumer AND w.topic = p.source_topic AND w.partition = p.source_partition
            """
        );
        command.Parameters.Add(new() { Value = consumer });
        command.Parameters.Add(new() { Value = eventIds });
        return command;
    }

    /// <summary>
    /// Reads the current result set of <paramref name="reader"/> as the answer to a <see cref="FindCommand"/>.
    /// </summary>
    public static async Task<Dictionary<Guid, ProcessedEvent>> ReadFoundAsync(
        NpgsqlDataReader reader,
        int capacity,
        CancellationToken cancellationToken
    )
    {
        var found = new Dictionary<Guid, ProcessedEvent>(capacity);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            found[reader.GetGuid(0)] = new ProcessedEvent(
                (byte[])reader[1],
                reader.IsDBNull(2) ? null : (byte[])reader[2],
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetInt64(5)
            );
        return found;
    }

    /// <summary>
    /// The rows as one INSERT, to send in the caller's batch (no round trip of its own). For the few rows of a small
    /// batch; <see cref="WriteAsync"/>'s COPY is the faster way for many. A unique violation fails it just the same.
    /// </summary>
    public static NpgsqlBatchCommand InsertCommand(string consumer, IReadOnlyList<ProcessedEventRow> rows)
    {
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO processed_events (consumer, event_id, payload_sha256, output, source_topic, source_partition, source_offset)
            SELECT $1, * FROM unnest($2::uuid[], $3::bytea[], $4::bytea[], $5::text[], $6::int[], $7::bigint[])
            """
        );
        command.Parameters.Add(new() { Value = consumer });
        command.Parameters.Add(new() { Value = rows.Select(r => r.EventId).ToArray() });
        command.Parameters.Add(new() { Value = rows.Select(r => r.PayloadSha256).ToArray() });
        command.Parameters.Add(
            new()
            {
                Value = rows.Select(r => r.Output).ToArray(),
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea,
            }
        );
        command.Parameters.Add(new() { Value = rows.Select(r => r.Source.Topic).ToArray() });
        command.Parameters.Add(new() { Value = rows.Select(r => r.Source.Partition).ToArray() });
        command.Parameters.Add(new() { Value = rows.Select(r => r.Source.Offset).ToArray() });
        return command;
    }

    /// <summary>
    /// Writes the rows with binary COPY, inside the caller's transaction. The caller has checked, under its locks,
    /// that none exists; a unique violation (another consumer got there first) fails the batch, which is retried and
    /// then sees the row.
    /// </summary>
    public static async Task WriteAsync(
        NpgsqlConnection connection,
        string consumer,
        IReadOnlyList<ProcessedEventRow> rows,
        CancellationToken cancellationToken
    )
    {
        if (rows.Count == 0)
            return;
        await using var writer = await connection
            .BeginBinaryImportAsync(
                "COPY processed_events (consumer, event_id, payload_sha256, output, source_topic, "
                    + "source_partition, source_offset) FROM STDIN (FORMAT BINARY)",
                cancellationToken
            )
            .ConfigureAwait(false);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(consumer, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(row.EventId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(row.PayloadSha256, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
            if (row.Output is null)
                await writer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
            else
                await writer.WriteAsync(row.Output, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(row.Source.Topic, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await writer
                .WriteAsync(row.Source.Partition, NpgsqlDbType.Integer, cancellationToken)
                .ConfigureAwait(false);
            await writer.WriteAsync(row.Source.Offset, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
        }
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }
}
