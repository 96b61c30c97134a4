using System.Diagnostics;
using PitPlatform.Sdk.Events;
using PitPlatform.Sdk.Results;
using PitPlatform.Sdk.Tests.Support;
using Xunit;

namespace PitPlatform.Sdk.Tests.Queueing;

/// <summary>
/// While the server is unreachable, Track stays fast, the queue stays bounded, and disposal keeps its deadline.
/// </summary>
public sealed class track_never_blocks
{
    /// <summary>Nothing listens on port 1: every connection is refused at once.</summary>
    private static readonly Uri Unreachable = new("http://127.0.0.1:1");

    [Fact]
    public async Task while_the_server_is_down_track_stays_fast_drops_the_oldest_and_memory_stays_bounded()
    {
        const int calls = 1_000_000;
        var client = new PitIngestionClient(
            Unreachable,
            "pit_aaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
            SdkClients.FastOptions(o =>
            {
                o.MaxQueueSize = 8192;
                o.DisposeTimeout = TimeSpan.FromMilliseconds(200);
            })
        );
        var events = Fills.Many(1000);
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);

        var slowest = 0L;
        var overMicrosecond = 0;
        for (var i = 0; i < calls; i++)
        {
            var started = Stopwatch.GetTimestamp();
            Assert.True(client.Track(events[i % events.Count]));
            var took = Stopwatch.GetTimestamp() - started;
            if (took > slowest)
                slowest = took;
            if (took * 1_000_000 > Stopwatch.Frequency * 100)
                overMicrosecond++;
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var counters = client.GetCounters();
        // Behaviour, not speed (the benchmarks measure that): a call that touched the network would take milliseconds.
        // 100 us leaves room for coverage instrumentation and a loaded machine; 1% for preemptions and collections.
        Assert.True(overMicrosecond < calls / 100, $"{overMicrosecond} of {calls} Track calls took over 100 us");
        // A Track that waited for the network would take the retry delays or the 10 s timeout; the bound leaves room
        // only for a garbage collection or the scheduler preempting the thread on this shared two-core machine.
        Assert.True(
            slowest * 1000 < Stopwatch.Frequency * 250,
            $"the slowest Track call took {slowest * 1000.0 / Stopwatch.Frequency:F1} ms"
        );
        Assert.True(
            after - before < 16 * 1024 * 1024,
            $"memory grew by {(after - before) / 1024} KB while the server was down"
        );
        Assert.Equal(calls, counters.Tracked);
        Assert.True(counters.Queued <= 8192);
        // Held at most: the queue, the batch in flight (retrying) and the next batch the sender has drained.
        Assert.True(counters.Dropped >= calls - 8192 - 2 * 500, $"dropped {counters.Dropped}");
        Assert.Equal(0, counters.Delivered);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task under_wait_with_timeout_a_full_queue_waits_about_the_timeout_then_drops_the_new_event()
    {
        await using var client = new PitIngestionClient(
            Unreachable,
            "pit_aaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
            SdkClients.FastOptions(o =>
            {
                o.MaxQueueSize = 4;
                o.MaxBatchEvents = 4;
                o.OverflowPolicy = QueueOverflowPolicy.WaitWithTimeout;
                o.OverflowWaitTimeout = TimeSpan.FromMilliseconds(100);
                o.DisposeTimeout = TimeSpan.Zero;
            })
        );

        var tracked = 0;
        var watch = new Stopwatch();
        while (true)
        {
            watch.Restart();
            if (!client.Track(Fills.Buy()))
                break;
            Assert.True(++tracked < 100, "the queue never filled");
        }

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(90), TimeSpan.FromSeconds(2));
        Assert.Equal(1, client.GetCounters().Dropped);
    }

    [Fact]
    public async Task dispose_gives_up_at_its_deadline_and_reports_what_was_not_delivered()
    {
        var notDelivered = new List<PitRejectedEvent>();
        var client = new PitIngestionClient(
            Unreachable,
            "pit_aaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
            SdkClients.FastOptions(o =>
            {
                o.DisposeTimeout = TimeSpan.FromMilliseconds(300);
                o.OnRejected = r =>
                {
                    lock (notDelivered)
                        notDelivered.Add(r);
                };
            })
        );
        PitEvent[] events = [.. Fills.Many(10)];
        foreach (var e in events)
            client.Track(e);

        var watch = Stopwatch.StartNew();
        await client.DisposeAsync();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"dispose took {watch.Elapsed}");
        Assert.Equal(10, client.GetCounters().Dropped);
        Assert.Equal(events.Select(e => e.EventId).Order(), notDelivered.Select(r => r.Event.EventId).Order());
        Assert.All(notDelivered, r => Assert.Equal(PitEventError.NotDelivered, r.Error.Code));
        Assert.False(client.Track(Fills.Buy()));
    }
}
