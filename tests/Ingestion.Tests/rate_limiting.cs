using System.Net;
using PitPlatform.Access.RateLimiting;
using PitPlatform.Access.Tenants;
using PitPlatform.Ingestion.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

public sealed class rate_limiting_buckets
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void a_key_gets_its_burst_then_is_refused_with_a_retry_time()
    {
        var limiter = new ApiKeyRateLimiter(new RateLimitOptions { EventsPerSecond = 10, Burst = 20 }, _time);

        var first = limiter.TryAcquire("k", 15, null, null);
        var second = limiter.TryAcquire("k", 10, null, null);

        Assert.True(first.Allowed);
        Assert.Equal((20, 5), (first.Limit, first.Remaining));
        Assert.False(second.Allowed);
        Assert.Equal(1, second.RetryAfterSeconds);
        Assert.Equal(5, second.Remaining);
    }

    [Fact]
    public void tokens_refill_at_the_key_rate()
    {
        var limiter = new ApiKeyRateLimiter(new RateLimitOptions(), _time);
        Assert.True(limiter.TryAcquire("k", 4, ratePerSecond: 2, burst: 4).Allowed);
        Assert.False(limiter.TryAcquire("k", 2, 2, 4).Allowed);

        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(limiter.TryAcquire("k", 2, 2, 4).Allowed);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(limiter.TryAcquire("k", 2, 2, 4).Allowed);
    }

    [Fact]
    public void a_key_without_its_own_rate_gets_the_default_scaled_by_its_tenants_plan()
    {
        var limiter = new ApiKeyRateLimiter(new RateLimitOptions { EventsPerSecond = 10, Burst = 20 }, _time);
        Assert.Equal(20, limiter.TryAcquire("free", 1, null, null, TenantPlans.Free).Limit);
        Assert.Equal(100, limiter.TryAcquire("team", 1, null, null, TenantPlans.Team).Limit);
        Assert.Equal(400, limiter.TryAcquire("pro", 1, null, null, TenantPlans.Pro).Limit);
        // A key's own rate wins over its plan's, and a huge default saturates instead of overflowing.
        Assert.Equal(7, limiter.TryAcquire("own", 1, 3, 7, TenantPlans.Pro).Limit);
        Assert.Equal(int.MaxValue, TenantPlans.Pro.Scale(int.MaxValue / 2));
    }

    [Fact]
    public void keys_have_separate_buckets_and_a_batch_larger_than_the_burst_costs_a_full_bucket()
    {
        var limiter = new ApiKeyRateLimiter(new RateLimitOptions { EventsPerSecond = 1, Burst = 100 }, _time);
        Assert.True(limiter.TryAcquire("a", 1000, null, null).Allowed);
        Assert.False(limiter.TryAcquire("a", 1, null, null).Allowed);
        Assert.True(limiter.TryAcquire("b", 1, null, null).Allowed);
    }
}

/// <summary>
/// Over HTTP: 429 with Retry-After and RateLimit-* headers, and a refused request writes nothing to Kafka.
/// </summary>
public sealed class rate_limiting_over_http(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_key_over_its_rate_gets_429_and_nothing_reaches_kafka()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        using var client = await Keys.CreateClientAsync(pipeline, ["ingest"], ratePerSecond: 1, burst: 3);

        var ok = await client.PostAsync("/v1/events", TestEvents.Content(TestEvents.Fills(3)), Ct);
        var refused = await client.PostAsync("/v1/events", TestEvents.Content(TestEvents.Fills(2)), Ct);

        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        Assert.Equal("3", ok.Headers.GetValues("RateLimit-Limit").Single());
        Assert.Equal("0", ok.Headers.GetValues("RateLimit-Remaining").Single());
        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        // 2 events at 1/s, less whatever refilled while the first request ran.
        Assert.InRange(
            int.Parse(
                refused.Headers.GetValues("Retry-After").Single(),
                System.Globalization.CultureInfo.InvariantCulture
            ),
            1,
            2
        );
        Assert.Equal("ERR_RATE_LIMITED", await Errors.CodeAsync(refused));
        var records = TopicReader.ReadAll(
            pipeline.Kafka,
            "pit.v1.exec.trade_fill",
            expected: 3,
            TimeSpan.FromSeconds(10),
            TimeSpan.FromSeconds(1)
        );
        Assert.Equal(3, records.Count);
    }
}
