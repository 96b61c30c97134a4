using Npgsql;
using PitPlatform.Contracts.Consuming;

namespace PitPlatform.Processing.Idempotency;

/// <summary>
/// Per consumer and source partition, the offset through which every record was handled and every output it led to
/// was acknowledged (consumer_watermarks). A partition's records are handled in offset order and a batch starts at the
/// partition's committed offset, below which all was handled before that offset was committed; so after a batch
/// succeeded, its highest offset per partition is a sound mark.
/// A record delivered again at its own position at or below the mark (a replay after an offset reset) is skipped
/// without decoding or any lookup. Its timestamp must not be later than the mark's: a topic deleted and recreated
/// restarts its offsets, and its new records, appended after the mark last rose, are then never mistaken for old ones
/// (the time moves only when the mark rises; clock skew between producers and Postgres only ever costs a lookup,
/// unless a topic is recreated within that skew of the last rise).
/// </summary>
public sealed class ConsumerWatermarks
{
    private readonly Dictionary<(string Topic, int Partition), (long Through, DateTimeOffset At)> _marks;

    private ConsumerWatermarks(Dictionary<(string, int), (long, DateTimeOffset)> marks) => _marks = marks;

    /// <summary>No marks: every record is taken as not handled before.</summary>
    public static ConsumerWatermarks None { get; } = new([]);

    /// <summary>
    /// The offset through which <paramref name="partition"/> of <paramref name="topic"/> was handled, if known.
    /// </summary>
    public long? Through(string topic, int partition) =>
        _marks.TryGetValue((topic, partition), out var mark) ? mark.Through : null;

    /// <summary>True when <paramref name="record"/> itself was handled before.</summary>
    public bool WasHandled(ConsumedRecord record) =>
        _marks.TryGetValue((record.Topic, record.Partition), out var mark)
        && record.Offset <= mark.Through
        && record.Timestamp <= mark.At;

    /// <summary>The marks of <paramref name="consumer"/> on the topics of <paramref name="batch"/>.</summary>
    public static async Task<ConsumerWatermarks> LoadAsync(
        NpgsqlDataSource database,
        string consumer,
        IReadOnlyList<ConsumedRecord> batch,
        CancellationToken cancellationToken
    )
    {
        await using var command = database.CreateCommand(
            "SELECT topic, partition, handled_through, updated_at FROM consumer_watermarks WHERE consumer = "
                + "$1 AND topic = ANY($2)"
        );
        command.Parameters.Add(new() { Value = consumer });
        command.Parameters.Add(new() { Value = batch.Select(r => r.Topic).Distinct().ToArray() });
        var marks = new Dictionary<(string, int), (long, DateTimeOffset)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            marks[(reader.GetString(0), reader.GetInt32(1))] = (
                reader.GetInt64(2),
                reader.GetFieldValue<DateTimeOffset>(3)
            );
        return new ConsumerWatermarks(marks);
    }

    /// <summary>The highest offset per partition of <paramref name="batch"/>.</summary>
    public static IReadOnlyList<WatermarkHead> Heads(IReadOnlyList<ConsumedRecord> batch) =>
        batch
            .GroupBy(r => (r.Topic, r.Partition))
            .Select(g => new WatermarkHead(g.Key.Topic, g.Key.Partition, g.Max(r => r.Offset)))
            .ToList();

    /// <summary>
    /// Raises the marks to <paramref name="heads"/> where they are higher, in a transaction of its own.
    /// </summary>
    public static async Task AdvanceAsync(
        NpgsqlDataSource database,
        string consumer,
        IReadOnlyList<WatermarkHead> heads,
        CancellationToken cancellationToken
    )
    {
        if (heads.Count == 0)
            return;
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { AdvanceCommand(consumer, heads) } };
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="AdvanceAsync(NpgsqlDataSource, string, IReadOnlyList{WatermarkHead}, CancellationToken)"/> as a
    /// command for the caller's batch and transaction. Rows are locked in (topic, partition) order, after whatever the
    /// caller locked before, so two transactions that both raise marks never wait on each other in a cycle.
    /// </summary>
    public static NpgsqlBatchCommand AdvanceCommand(string consumer, IReadOnlyList<WatermarkHead> heads)
    {
        var sorted = heads.OrderBy(h => h.Topic, StringComparer.Ordinal).ThenBy(h => h.Partition).ToList();
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO consumer_watermarks (consumer, topic, partition, handled_through)
            SELECT $1, * FROM unnest($2::text[], $3::int[], $4::bigint[])
            ON CONFLICT (consumer, topic, partition) DO UPDATE
              SET handled_through = excluded.handled_through, updated_at = now()
              WHERE excluded.handled_through > consumer_watermarks.handled_through
            """
        );
        command.Parameters.Add(new() { Value = consumer });
        command.Parameters.Add(new() { Value = sorted.Select(h => h.Topic).ToArray() });
        command.Parameters.Add(new() { Value = sorted.Select(h => h.Partition).ToArray() });
        command.Parameters.Add(new() { Value = sorted.Select(h => h.Through).ToArray() });
        return command;
    }
}
