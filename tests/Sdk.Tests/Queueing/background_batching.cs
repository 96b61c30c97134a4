using PitPlatform.Sdk.Events;
using PitPlatform.Sdk.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Sdk.Tests.Queueing;

/// <summary>
/// Tracked events leave in batches: when a batch is full (count or bytes), when the interval passes, on flush.
/// </summary>
public sealed class background_batching(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task full_batches_leave_without_waiting_for_the_interval()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        await using var proxy = await FaultProxy.StartAsync(pipeline.Host.BaseAddress, _ => Fault.None);
        await using var client = SdkClients.For(proxy.Address, pipeline, o =>
        {
            o.MaxBatchEvents = 50;
            o.FlushInterval = TimeSpan.FromMinutes(5);
        });

        foreach (var fill in Fills.Many(200))
            client.Track(fill);

        await Eventually.WaitForAsync(
            () => Task.FromResult(client.GetCounters().Delivered),
            n => n == 200,
            TimeSpan.FromSeconds(30),
            "200 events delivered"
        );
        Assert.All(proxy.Seen, s => Assert.Equal(50, s.EventIds.Count));
    }

    [Fact]
    public async Task a_partial_batch_leaves_after_the_flush_interval()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        await using var client = SdkClients.For(pipeline, o => o.FlushInterval = TimeSpan.FromMilliseconds(200));

        foreach (var fill in Fills.Many(3))
            client.Track(fill);

        await Eventually.WaitForAsync(
            () => Task.FromResult(client.GetCounters().Delivered),
            n => n == 3,
            TimeSpan.FromSeconds(30),
            "3 events delivered"
        );
    }

    [Fact]
    public async Task batches_stay_under_the_byte_limit_and_flush_returns_once_everything_is_delivered()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        await using var proxy = await FaultProxy.StartAsync(pipeline.Host.BaseAddress, _ => Fault.None);
        await using var client = SdkClients.For(proxy.Address, pipeline, o =>
        {
            o.MaxBatchBytes = 4096;
            o.FlushInterval = TimeSpan.FromMinutes(5);
        });

        for (var i = 0; i < 12; i++)
            client.Track(
                new LlmCallEvent("assistant")
                {
                    Model = "m",
                    InputTokens = 1,
                    OutputTokens = 1,
                    Prompt = new string('x', 1000),
                }
            );
        await client.FlushAsync(Ct);

        Assert.Equal(12, client.GetCounters().Delivered);
        Assert.True(proxy.Seen.Count >= 4, $"{proxy.Seen.Count} requests for 12 events of 1 KB under a 4 KB limit");
        Assert.All(proxy.Seen, s => Assert.InRange(s.EventIds.Count, 1, 3));
    }
}
