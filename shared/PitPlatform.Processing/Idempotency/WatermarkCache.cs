using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PitPlatform.Contracts.Consuming;

namespace PitPlatform.Processing.Idempotency;

/// <summary>
/// A consumer's <see cref="ConsumerWatermarks"/> as this process last read or raised them, so that a batch which
/// plainly starts past its partitions' marks (the steady state) costs no round trip to read them.
/// Only a read from Postgres ever decides that a record was handled; the cache only decides when reading is needless.
/// A stale cache can therefore cost a replayed record the processed-events lookup (the slow path, still exactly once),
/// never a skip: a mark only rises, except when deleted by hand, and a batch at or below its cached mark reads again.
/// Entries are read again after <paramref name="refreshAfter"/> (default <see cref="DefaultRefreshAfter"/>), so a mark
/// raised by another processor (a rebalance) or an offset reset is seen within that time.
/// <para>
/// Raising a mark may be deferred (<see cref="Defer"/>): the next transaction of the consumer that takes the pending
/// marks (<see cref="TakePending"/>) stores them in a round trip it makes anyway, and a timer stores those nobody took
/// within <paramref name="storeDeferredAfter"/> (default <see cref="DefaultStoreDeferredAfter"/>). A mark only spares
/// re-emitting outputs Kafka already acknowledged, so one lost in a crash costs at most identical outputs again, which
/// every consumer deduplicates. Reads (<see cref="LoadAsync"/>) store the pending marks first, and disposing stores
/// them.
/// </para>
/// </summary>
public sealed class WatermarkCache(
    string consumer,
    TimeSpan? refreshAfter = null,
    TimeSpan? storeDeferredAfter = null,
    ILogger? logger = null
) : IAsyncDisposable
{
    public static readonly TimeSpan DefaultRefreshAfter = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultStoreDeferredAfter = TimeSpan.FromMilliseconds(100);

    private readonly long _refreshAfterMs = (long)(refreshAfter ?? DefaultRefreshAfter).TotalMilliseconds;
    private readonly TimeSpan _storeDeferredAfter = storeDeferredAfter ?? DefaultStoreDeferredAfter;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    private readonly ConcurrentDictionary<(string Topic, int Partition), (long Through, long ReadAtMs)> _marks = new();

    private readonly Lock _pendingLock = new();
    private readonly Dictionary<(string Topic, int Partition), long> _pending = [];
    private NpgsqlDataSource? _pendingDatabase;
    private Timer? _timer;
    private bool _timerArmed;
    private bool _disposed;

    /// <summary>
    /// The marks that matter to <paramref name="batch"/>: none when it starts past all of them. A batch that may be a
    /// replay reads the stored marks, after storing the pending ones.
    /// </summary>
    public async Task<ConsumerWatermarks> LoadAsync(
        NpgsqlDataSource database,
        IReadOnlyList<ConsumedRecord> batch,
        CancellationToken cancellationToken
    )
    {
        var now = Environment.TickCount64;
        if (StartsPastKnownMarks(batch, now))
            return ConsumerWatermarks.None;
        await StorePendingAsync(database, cancellationToken).ConfigureAwait(false);
        var marks = await ConsumerWatermarks
            .LoadAsync(database, consumer, batch, cancellationToken)
            .ConfigureAwait(false);
        foreach (var (topic, partition) in batch.Select(r => (r.Topic, r.Partition)).Distinct())
            _marks[(topic, partition)] = (marks.Through(topic, partition) ?? -1, now);
        return marks;
    }

    /// <summary>
    /// Raises the stored marks to <paramref name="batch"/>'s heads now, with any pending ones, and the cached marks
    /// with them.
    /// </summary>
    public async Task AdvanceAsync(
        NpgsqlDataSource database,
        IReadOnlyList<ConsumedRecord> batch,
        CancellationToken cancellationToken
    )
    {
        Defer(database, batch);
        await StorePendingAsync(database, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records that <paramref name="batch"/> was handled, to be stored by the next transaction that takes it, or by the
    /// timer.
    /// </summary>
    public void Defer(NpgsqlDataSource database, IReadOnlyList<ConsumedRecord> batch) =>
        Return(database, ConsumerWatermarks.Heads(batch));

    /// <summary>
    /// Takes the pending marks for the caller to store in its own transaction
    /// (<see cref="ConsumerWatermarks.AdvanceCommand"/>). The caller then reports <see cref="Stored"/> once it
    /// committed, or gives them back with <see cref="Return"/>.
    /// </summary>
    public IReadOnlyList<WatermarkHead> TakePending()
    {
        lock (_pendingLock)
        {
            if (_pending.Count == 0)
                return [];
            var heads = _pending.Select(p => new WatermarkHead(p.Key.Topic, p.Key.Partition, p.Value)).ToList();
            _pending.Clear();
            return heads;
        }
    }

    /// <summary>Gives back marks that were taken but not stored (their transaction failed), or adds new ones.</summary>
    public void Return(NpgsqlDataSource database, IReadOnlyList<WatermarkHead> heads)
    {
        if (heads.Count == 0)
            return;
        lock (_pendingLock)
        {
            foreach (var head in heads)
            {
                var key = (head.Topic, head.Partition);
                if (!_pending.TryGetValue(key, out var known) || head.Through > known)
                    _pending[key] = head.Through;
            }
            _pendingDatabase = database;
            // Armed once per pending spell, not pushed back by each batch: a mark waits at most that long.
            if (_disposed || _timerArmed)
                return;
            _timerArmed = true;
            _timer ??= new Timer(
                _ => _ = StoreFromTimerAsync(),
                null,
                Timeout.InfiniteTimeSpan,
                Timeout.InfiniteTimeSpan
            );
            _timer.Change(_storeDeferredAfter, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Raises the cached marks once <paramref name="heads"/> are committed.</summary>
    public void Stored(IReadOnlyList<WatermarkHead> heads)
    {
        foreach (var (topic, partition, through) in heads)
        {
            // Only raised where a read set the entry: its age still says when the stored marks were last read.
            if (_marks.TryGetValue((topic, partition), out var known) && through > known.Through)
                _marks.TryUpdate((topic, partition), (through, known.ReadAtMs), known);
        }
    }

    /// <summary>Stores every pending mark now, in a transaction of its own.</summary>
    public async Task StorePendingAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        var heads = TakePending();
        if (heads.Count == 0)
            return;
        try
        {
            await ConsumerWatermarks.AdvanceAsync(database, consumer, heads, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Return(database, heads);
            throw;
        }
        Stored(heads);
    }

    private async Task StoreFromTimerAsync()
    {
        NpgsqlDataSource? database;
        lock (_pendingLock)
        {
            _timerArmed = false;
            database = _pendingDatabase;
        }
        await StorePendingOrLogAsync(database, shuttingDown: false).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlDataSource? database;
        lock (_pendingLock)
        {
            _disposed = true;
            _timer?.Dispose();
            database = _pendingDatabase;
        }
        await StorePendingOrLogAsync(database, shuttingDown: true).ConfigureAwait(false);
    }

    private async Task StorePendingOrLogAsync(NpgsqlDataSource? database, bool shuttingDown)
    {
        if (database is null)
            return;
        try
        {
            await StorePendingAsync(database, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (!shuttingDown)
        {
            // Given back, and tried again by the next batch or the next tick; meanwhile a redelivery may re-emit.
            _logger.LogDebug(e, "{Consumer}: deferred watermarks not stored yet", consumer);
        }
        catch (Exception e)
        {
            _logger.LogWarning(
                e,
                "{Consumer}: watermarks not stored on shutdown; a redelivery may re-emit identical outputs",
                consumer
            );
        }
    }

    private bool StartsPastKnownMarks(IReadOnlyList<ConsumedRecord> batch, long now)
    {
        foreach (var record in batch)
        {
            if (!_marks.TryGetValue((record.Topic, record.Partition), out var known))
                return false;
            if (record.Offset <= known.Through || now - known.ReadAtMs > _refreshAfterMs)
                return false;
        }
        return true;
    }
}
