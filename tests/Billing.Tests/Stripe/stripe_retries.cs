using System.Diagnostics;
using PitPlatform.Billing.Stripe;
using PitPlatform.Billing.Tests.Support;
using Xunit;

namespace PitPlatform.Billing.Tests.Stripe;

public sealed class stripe_retries
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_429_is_retried_after_retry_after_with_the_same_idempotency_key_then_succeeds()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        stub.EnqueueError(429, "invalid_request_error", "Too many requests hit the API too quickly.", "rate_limit",
            new Dictionary<string, string> { ["Retry-After"] = "1" });
        var client = new StripeClient(StripeStub.SecretKey, new StripeClientOptions { Endpoint = stub.Endpoint, RetryDelay = TimeSpan.FromMilliseconds(1) });
        var clock = Stopwatch.StartNew();

        var response = await client.CreateMeterEventAsync(StubbedClient.Event(), Ct);

        Assert.Equal("pit-test-1", response.Value.Identifier);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {clock.Elapsed}, before Retry-After");
        var keys = stub.Requests.Select(r => r.IdempotencyKey).ToList();
        Assert.Equal(2, keys.Count);
        Assert.Single(keys.Distinct());
        Assert.Single(stub.MeterEvents);
    }

    [Fact]
    public async Task server_errors_are_retried_up_to_the_budget_and_then_surface_as_transient()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        stub.Down = true;

        var error = await Assert.ThrowsAsync<StripeException>(() => StubbedClient.For(stub, maxRetries: 2).CreateMeterEventAsync(StubbedClient.Event(), Ct));

        Assert.Equal(503, error.Status);
        Assert.True(error.IsTransient);
        Assert.Equal(3, stub.Requests.Count);
    }

    [Fact]
    public async Task stripe_should_retry_false_stops_a_retry_of_a_server_error()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        stub.EnqueueError(500, "api_error", "An unknown error occurred", headers: new Dictionary<string, string> { ["Stripe-Should-Retry"] = "false" });

        var error = await Assert.ThrowsAsync<StripeException>(() => StubbedClient.For(stub).CreateMeterEventAsync(StubbedClient.Event(), Ct));

        Assert.False(error.IsTransient);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task a_server_error_followed_by_success_records_the_usage_once()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        stub.EnqueueError(500, "api_error", "An unknown error occurred");

        await StubbedClient.For(stub).CreateMeterEventAsync(StubbedClient.Event(), Ct);

        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal(25, stub.Total("cus_NciAYcXfLnqBoz", "pit_events"));
    }

    [Fact]
    public async Task an_unreachable_stripe_is_a_transient_connection_error_after_the_retries()
    {
        var port = PitPlatform.LocalHost.Embedded.FreePort.Find();
        var client = new StripeClient(StripeStub.SecretKey, new StripeClientOptions
        {
            Endpoint = new Uri($"http://127.0.0.1:{port}/"), MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(1),
        });

        var error = await Assert.ThrowsAsync<StripeException>(() => client.CreateMeterEventAsync(StubbedClient.Event(), Ct));

        Assert.Equal(0, error.Status);
        Assert.Equal(StripeException.ConnectionErrorType, error.Type);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task caller_cancellation_is_not_retried()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        stub.Down = true;
        using var cancel = new CancellationTokenSource();
        var client = new StripeClient(StripeStub.SecretKey, new StripeClientOptions { Endpoint = stub.Endpoint, RetryDelay = TimeSpan.FromSeconds(30), MaxRetryDelay = TimeSpan.FromSeconds(30) });

        var call = client.CreateMeterEventAsync(StubbedClient.Event(), cancel.Token);
        await PitPlatform.Testing.Eventually.WaitForAsync(() => Task.FromResult(stub.Requests.Count), n => n > 0, TimeSpan.FromSeconds(10), "the first request");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(stub.Requests);
    }
}
