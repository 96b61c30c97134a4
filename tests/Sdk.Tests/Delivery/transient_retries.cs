using System.Diagnostics;
using PitPlatform.Sdk.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Sdk.Tests.Delivery;

/// <summary>Transient failures are retried with backoff and the same event ids; permanent refusals are not.</summary>
public sealed class transient_retries(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_503_a_429_and_a_reset_connection_are_retried_with_the_same_event_ids_honouring_retry_after()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        await using var proxy = await FaultProxy.StartAsync(pipeline.Host.BaseAddress, n => n switch
            {
                1 => Fault.Unavailable,
                2 => Fault.TooManyRequests,
                3 => Fault.DropBeforeForward,
                _ => Fault.None,
            });
        await using var client = SdkClients.For(proxy.Address, pipeline);
        var events = Fills.Many(5);

        var watch = Stopwatch.StartNew();
        var sent = await client.SendAsync(events, Ct);

        Assert.Equal(5, sent.Accepted);
        var attempts = proxy.Seen.ToList();
        Assert.Equal(4, attempts.Count);
        var ids = events.Select(e => e.EventId.ToString("D")).ToList();
        Assert.All(attempts, a => Assert.Equal(ids, a.EventIds));
        Assert.All(ids, id => Assert.Equal(7, Guid.Parse(id).Version)); // UUIDv7, time-ordered
        Assert.True(
            watch.Elapsed >= TimeSpan.FromSeconds(1),
            $"Retry-After: 1 must delay the next attempt by a second; took {watch.Elapsed}"
        );
        Assert.Equal(3, client.GetCounters().Retries);
    }

    [Fact]
    public async Task a_400_is_not_retried()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        await using var proxy = await FaultProxy.StartAsync(pipeline.Host.BaseAddress, _ => Fault.BadRequest);
        await using var client = SdkClients.For(proxy.Address, pipeline);

        var failure = await Assert.ThrowsAsync<PitIngestionException>(() => client.SendAsync(Fills.Many(3), Ct));

        Assert.Equal(400, failure.Status);
        Assert.Equal("ERR_INVALID_BODY", failure.ErrorCode);
        Assert.False(failure.IsTransient);
        Assert.Single(proxy.Seen);
    }

    [Fact]
    public async Task retries_stop_after_max_retries_with_a_transient_exception()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        await using var proxy = await FaultProxy.StartAsync(pipeline.Host.BaseAddress, _ => Fault.Unavailable);
        await using var client = SdkClients.For(proxy.Address, pipeline, o => o.MaxRetries = 2);

        var failure = await Assert.ThrowsAsync<PitIngestionException>(() => client.SendAsync(Fills.Many(3), Ct));

        Assert.Equal(503, failure.Status);
        Assert.True(failure.IsTransient);
        Assert.Equal(3, proxy.Seen.Count);
    }
}
