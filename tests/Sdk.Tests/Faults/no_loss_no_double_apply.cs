using PitPlatform.Sdk.Results;
using PitPlatform.Sdk.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Sdk.Tests.Faults;

/// <summary>
/// Tracked fills through a proxy that resets connections (before and after the host stored the batch), answers 429
/// and 503 and delays: every fill reaches the NAV processor exactly once.
/// </summary>
public sealed class no_loss_no_double_apply(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task every_tracked_fill_is_applied_once_despite_resets_429s_503s_and_delays()
    {
        const int fills = 400;
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var faults = new[]
        {
            Fault.DropAfterForward,
            Fault.Unavailable,
            Fault.None,
            Fault.DropBeforeForward,
            Fault.Delay,
            Fault.None,
            Fault.DropAfterForward,
        };
        await using var proxy = await FaultProxy.StartAsync(pipeline.Host.BaseAddress, n =>
            n == 9 ? Fault.TooManyRequests : faults[n % faults.Length]
        );
        var rejected = new List<PitRejectedEvent>();
        await using (var client = SdkClients.For(proxy.Address, pipeline, o =>
            {
                o.MaxBatchEvents = 25;
                o.OnRejected = r =>
                {
                    lock (rejected)
                        rejected.Add(r);
                };
            }))
        {
            foreach (var fill in Fills.Many(fills, cells: 8))
                Assert.True(client.Track(fill));
            await client.FlushAsync(Ct);

            var counters = client.GetCounters();
            Assert.Equal(fills, counters.Delivered);
            Assert.Equal(0, counters.Dropped);
            Assert.Empty(rejected);
            Assert.True(counters.Retries > 0);
        }

        // Some batches were stored and then resent (the reset came after forwarding): the consumers saw them twice.
        var sends = proxy.Seen.SelectMany(s => s.EventIds).GroupBy(id => id).ToList();
        Assert.Equal(fills, sends.Count);
        Assert.Contains(proxy.Seen, s => s.Fault == Fault.DropAfterForward);
        await Eventually.WaitForAsync(
            () => pipeline.Database.CountAsync("processed_events", "consumer = 'nav-processor'"),
            n => n >= fills,
            TimeSpan.FromSeconds(60),
            $"{fills} fills processed"
        );
        await Task.Delay(TimeSpan.FromSeconds(1), Ct); // room for a wrongly applied second copy to show up
        Assert.Equal(fills, await pipeline.Database.CountAsync("processed_events", "consumer = 'nav-processor'"));
        Assert.Equal(
            fills,
            await pipeline.Database.ScalarAsync<long>("SELECT sum(fills_applied)::bigint FROM cell_cash")
        );
    }
}
