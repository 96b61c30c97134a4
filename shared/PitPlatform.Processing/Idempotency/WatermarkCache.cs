using System.Collections.Concurrent;
using Npgsql;
using PitPlatform.Contracts.Consuming;

namespace PitPlatform.Processing.Idempotency;

/// <summary>
/// A consumer's <see cref="ConsumerWatermarks"/> as this process last read or raised them, so that a batch which plainly
/// starts past its partitions' marks (the steady state) costs no round trip to read them.
/// Only a read from Postgres ever decides that a record was handled; the cache only decides when reading is needless.
/// A stale cache can therefore cost a replayed record the processed-events lookup (the slow path, still exactly once),
/// never a skip: a mark only rises, except when deleted by hand, and a batch at or below its cached mark reads again.
/// Entries are read again after <paramref name="refreshAfter"/> (default <see cref="DefaultRefreshAfter"/>), so a mark
/// raised by another processor (a rebalance) or an offset reset is seen within that time.
/// </summary>
public sealed class WatermarkCache(string consumer, TimeSpan? refreshAfter = null)
{
    public static readonly TimeSpan DefaultRefreshAfter = TimeSpan.FromSeconds(1);

    private readonly long _refreshAfterMs = (long)(refreshAfter ?? DefaultRefreshAfter).TotalMilliseconds;

    private readonly ConcurrentDictionary<(string Topic, int Partition), (long Through, long ReadAtMs)> _marks = new();

    /// <summary>The marks that matter to <paramref name="batch"/>: none when it starts past all of them.</summary>
    public async Task<ConsumerWatermarks> LoadAsync(NpgsqlDataSource database, IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        if (StartsPastKnownMarks(batch, now)) return ConsumerWatermarks.None;
        var marks = await ConsumerWatermarks.LoadAsync(database, consumer, batch, cancellationToken).ConfigureAwait(false);
        foreach (var (topic, partition) in batch.Select(r => (r.Topic, r.Partition)).Distinct())
            _marks[(topic, partition)] = (marks.Through(topic, partition) ?? -1, now);
        return marks;
    }

    /// <summary>Raises the stored marks (<see cref="ConsumerWatermarks.AdvanceAsync"/>) and the cached ones with them.</summary>
    public async Task AdvanceAsync(NpgsqlDataSource database, IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
    {
        var heads = await ConsumerWatermarks.AdvanceAsync(database, consumer, batch, cancellationToken).ConfigureAwait(false);
        foreach (var (topic, partition, through) in heads)
        {
            // Only raised where a read set the entry: its age still says when the stored marks were last read.
            if (_marks.TryGetValue((topic, partition), out var known) && through > known.Through)
                _marks.TryUpdate((topic, partition), (through, known.ReadAtMs), known);
        }
    }

    private bool StartsPastKnownMarks(IReadOnlyList<ConsumedRecord> batch, long now)
    {
        foreach (var record in batch)
        {
            if (!_marks.TryGetValue((record.Topic, record.Partition), out var known)) return false;
            if (record.Offset <= known.Through || now - known.ReadAtMs > _refreshAfterMs) return false;
        }
        return true;
    }
}
