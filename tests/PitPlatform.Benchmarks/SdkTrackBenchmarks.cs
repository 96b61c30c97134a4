using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using PitPlatform.Sdk;
using PitPlatform.Sdk.Events;

namespace PitPlatform.Benchmarks;

/// <summary>
/// PitIngestionClient.Track (target: median &lt;= 200 ns, nothing allocated beyond the event) beside the raw limits of
/// handing an object to another thread: the BCL's lock-free ConcurrentQueue.Enqueue and a bare
/// Interlocked.Increment. Each invocation tracks 65,536 events into a queue with room (the queue is emptied between
/// iterations, outside the measurement); a second benchmark measures the overflow path (full queue, drop oldest).
/// The client points at a closed port, so its background sender holds one batch and sends nothing.
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Reliability", "CA1001", Justification = "BenchmarkDotNet runs [GlobalCleanup], which disposes both.")]
public class SdkTrackBenchmarks
{
    private const int PerInvoke = 65_536;
    private PitIngestionClient _client = null!;
    private PitIngestionClient _fullClient = null!;
    private ConcurrentQueue<PitEvent> _queue = null!;
    private TradeFillEvent _fill = null!;
    private long _counter;

    [GlobalSetup]
    public void Setup()
    {
        var options = new PitIngestionClientOptions
        {
            MaxQueueSize = 4 * PerInvoke,
            FlushInterval = TimeSpan.FromHours(1),
            DisposeTimeout = TimeSpan.Zero,
        };
        _client = new PitIngestionClient(
            new Uri("http://127.0.0.1:1"),
            "pit_aaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
            options
        );
        _fullClient = new PitIngestionClient(
            new Uri("http://127.0.0.1:1"),
            "pit_aaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
            new PitIngestionClientOptions
            {
                MaxQueueSize = 1024,
                FlushInterval = TimeSpan.FromHours(1),
                DisposeTimeout = TimeSpan.Zero,
            }
        );
        _queue = new ConcurrentQueue<PitEvent>();
        _fill = new TradeFillEvent("alpha", "0001")
        {
            Instrument = "ACME",
            Side = TradeSide.Buy,
            Quantity = 100,
            PriceMicros = 12_500_000,
            Currency = "USD",
        };
        for (var i = 0; i < 4096; i++)
            _fullClient.Track(_fill);
    }

    [IterationSetup]
    public void Empty()
    {
        while (_client.Queue.TryDequeue(out _)) { }
        _queue.Clear();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _fullClient.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = PerInvoke, Description = "raw: Interlocked.Increment")]
    public long RawIncrement()
    {
        long last = 0;
        for (var i = 0; i < PerInvoke; i++)
            last = Interlocked.Increment(ref _counter);
        return last;
    }

    [Benchmark(OperationsPerInvoke = PerInvoke, Description = "raw: ConcurrentQueue.Enqueue")]
    public int RawConcurrentQueue()
    {
        for (var i = 0; i < PerInvoke; i++)
            _queue.Enqueue(_fill);
        return _queue.Count;
    }

    [Benchmark(OperationsPerInvoke = PerInvoke, Description = "Track, queue with room")]
    public bool Track()
    {
        var ok = true;
        for (var i = 0; i < PerInvoke; i++)
            ok &= _client.Track(_fill);
        return ok;
    }

    [Benchmark(OperationsPerInvoke = PerInvoke, Description = "Track, full queue: drop oldest")]
    public bool TrackFull()
    {
        var ok = true;
        for (var i = 0; i < PerInvoke; i++)
            ok &= _fullClient.Track(_fill);
        return ok;
    }

    [Benchmark(
        OperationsPerInvoke = PerInvoke,
        Description = "new TradeFillEvent + Track (the event's own allocation)"
    )]
    public bool CreateAndTrack()
    {
        var ok = true;
        for (var i = 0; i < PerInvoke; i++)
            ok &= _client.Track(
                new TradeFillEvent("alpha", "0001")
                {
                    Instrument = "ACME",
                    Side = TradeSide.Buy,
                    Quantity = 100,
                    PriceMicros = 12_500_000,
                    Currency = "USD",
                }
            );
        return ok;
    }
}
