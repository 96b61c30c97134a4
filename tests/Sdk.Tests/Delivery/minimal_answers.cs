using PitPlatform.Sdk.Results;
using PitPlatform.Sdk.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Sdk.Tests.Delivery;

/// <summary>
/// Tracked batches need no per-event answer for stored events, so the client asks for the counts alone
/// (<c>Prefer: return=minimal</c>); SendAsync still gets a result per event.
/// </summary>
public sealed class minimal_answers(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task tracked_batches_ask_for_the_counts_alone_and_count_every_event_delivered()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        await using var proxy = await FaultProxy.StartAsync(pipeline.Host.BaseAddress, _ => Fault.None);
        await using var client = SdkClients.For(proxy.Address, pipeline, o => o.MaxBatchEvents = 10);

        foreach (var fill in Fills.Many(25))
            Assert.True(client.Track(fill));
        await client.FlushAsync(Ct);

        Assert.All(proxy.Prefers, prefer => Assert.Equal("return=minimal", prefer));
        Assert.Equal(3, proxy.Prefers.Count);
        var counters = client.GetCounters();
        Assert.Equal(25, counters.Delivered);
        Assert.Equal(0, counters.Rejected);
        Assert.Equal(0, counters.Retries);
    }

    [Fact]
    public async Task send_asks_for_every_events_result()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        await using var proxy = await FaultProxy.StartAsync(pipeline.Host.BaseAddress, _ => Fault.None);
        await using var client = SdkClients.For(proxy.Address, pipeline);

        var sent = await client.SendAsync(Fills.Many(3), Ct);

        Assert.Equal([null], proxy.Prefers.Distinct());
        Assert.All(sent.Results, r => Assert.Equal(PitEventStatus.Accepted, r.Status));
        Assert.All(sent.Results, r => Assert.NotNull(r.Offset));
    }

    [Fact]
    public async Task counts_that_do_not_cover_the_batch_are_not_taken_as_delivery_and_the_batch_is_resent()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        await using var proxy = await FaultProxy.StartAsync(pipeline.Host.BaseAddress, n =>
            n == 1 ? Fault.MinimalShortCount : Fault.None
        );
        await using var client = SdkClients.For(proxy.Address, pipeline);
        var fills = Fills.Many(3);

        foreach (var fill in fills)
            Assert.True(client.Track(fill));
        await client.FlushAsync(Ct);

        var counters = client.GetCounters();
        Assert.Equal(3, counters.Delivered);
        Assert.Equal(1, counters.Retries);
        var requests = proxy.Seen.OrderBy(s => s.Number).ToList();
        Assert.Equal(requests[0].EventIds, requests[1].EventIds); // the same ids, so nothing is applied twice
    }
}
