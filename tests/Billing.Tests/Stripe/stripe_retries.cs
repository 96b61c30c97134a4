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
        stub.EnqueueError(
            429,
            "invalid_request_error",
            "Too many requests hit the API too quickly.",
            "rate_limit",
            new Dictionary<string, string> { ["Retry-After"] = "1" }
        );
        var client = new StripeClient(
            StripeStub.SecretKey,
            new StripeClientOptions { Endpoint = stub.Endpoint, RetryDelay = TimeSpan.FromMilliseconds(1) }
        );
        var clock = Stopwatch.StartNew();

        var response = await client.CreateMeterEventAsync(StubbedClient.Event(), Ct);

        Assert.Equal("pit-test-1", response.Value.Identifier);
        Assert.True(
            clock.Elapsed >= TimeSpan.FromMilliseconds(900),
            $"retried after {clock.Elapsed}, before Retry-After"
        );
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

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            StubbedClient.For(stub, maxRetries: 2).CreateMeterEventAsync(StubbedClient.Event(), Ct)
        );

        Assert.Equal(503, error.Status);
        Assert.True(error.IsTransient);
        Assert.Equal(3, stub.Requests.Count);
    }

    [Fact]
    public async Task stripe_should_retry_false_stops_a_retry_of_a_server_error()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        stub.EnqueueError(
            500,
            "api_error",
            "An unknown error occurred",
            headers: new Dictionary<string, string> { ["Stripe-Should-Retry"] = "false" }
        );

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            StubbedClient.For(stub).CreateMeterEventAsync(StubbedClient.Event(), Ct)
        );

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
        var client = new StripeClient(
            StripeStub.SecretKey,
            new StripeClientOptions
            {
                Endpoint = new Uri($"http://127.0.0.1:{port}/"),
                MaxRetries = 1,
                RetryDelay = TimeSpan.FromMilliseconds(1),
            }
        );

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            client.CreateMeterEventAsync(StubbedClient.Event(), Ct)
        );

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
        var client = new StripeClient(
            StripeStub.SecretKey,
            new StripeClientOptions
            {
                Endpoint = stub.Endpoint,
                RetryDelay = TimeSpan.FromSeconds(30),
                MaxRetryDelay = TimeSpan.FromSeconds(30),
            }
        );

        var call = client.CreateMeterEventAsync(StubbedClient.Event(), cancel.Token);
        await PitPlatform.Testing.Eventually.WaitForAsync(
            () => Task.FromResult(stub.Requests.Count),
            n => n > 0,
            TimeSpan.FromSeconds(10),
            "the first request"
        );
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task stripe_nets_own_retries_are_off_so_the_budget_is_ours_alone()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        stub.Down = true;

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            StubbedClient.For(stub, maxRetries: 0).CreateMeterEventAsync(StubbedClient.Event(), Ct)
        );

        Assert.True(error.IsTransient);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task a_conflict_is_retried_with_the_same_key_only_when_stripe_says_to()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        stub.EnqueueError(
            409,
            "invalid_request_error",
            "A request with this key is in progress.",
            headers: new Dictionary<string, string> { ["Stripe-Should-Retry"] = "true" }
        );
        stub.EnqueueError(409, "invalid_request_error", "Conflict.");

        await Assert.ThrowsAsync<StripeException>(() =>
            StubbedClient.For(stub).CreateMeterEventAsync(StubbedClient.Event(), Ct)
        );

        Assert.Equal(2, stub.Requests.Count);
        Assert.Single(stub.Requests.Select(r => r.IdempotencyKey).Distinct());
    }

    [Fact]
    public async Task a_rotated_secret_key_is_used_by_the_next_call_of_the_same_client()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        var key = "sk_test_revoked_0000000000000000";
        var client = new StripeClient(
            _ => ValueTask.FromResult(key),
            new StripeClientOptions { Endpoint = stub.Endpoint }
        );

        var refused = await Assert.ThrowsAsync<StripeException>(() =>
            client.CreateMeterEventAsync(StubbedClient.Event(), Ct)
        );
        key = StripeStub.SecretKey;
        await client.CreateMeterEventAsync(StubbedClient.Event(), Ct);

        Assert.Equal(401, refused.Status);
        Assert.Equal(
            ["Bearer sk_test_revoked_0000000000000000", "Bearer " + StripeStub.SecretKey],
            stub.Requests.Select(r => r.Authorization).ToArray()
        );
        Assert.Equal(25, stub.Total("cus_NciAYcXfLnqBoz", "pit_events"));
    }

    [Fact]
    public async Task each_retry_is_logged_with_status_and_request_id_and_no_line_holds_the_secret_key()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        stub.EnqueueError(
            429,
            "invalid_request_error",
            "Too many requests hit the API too quickly.",
            "rate_limit",
            new Dictionary<string, string> { ["Retry-After"] = "0" }
        );
        stub.EnqueueError(500, "api_error", $"An unknown error occurred with key {StripeStub.SecretKey}");
        var logger = new ListLogger();

        await StubbedClient.For(stub, logger: logger).CreateMeterEventAsync(StubbedClient.Event(), Ct);
        await Assert.ThrowsAsync<StripeException>(() =>
            StubbedClient
                .For(stub, secretKey: "sk_test_wrong_0123456789", logger: logger)
                .CreateMeterEventAsync(StubbedClient.Event("pit-test-2"), Ct)
        );
        var port = PitPlatform.LocalHost.Embedded.FreePort.Find();
        var unreachable = new StripeClient(
            StripeStub.SecretKey,
            new StripeClientOptions
            {
                Endpoint = new Uri($"http://127.0.0.1:{port}/"),
                MaxRetries = 1,
                RetryDelay = TimeSpan.FromMilliseconds(1),
            },
            logger
        );
        var down = await Assert.ThrowsAsync<StripeException>(() =>
            unreachable.CreateMeterEventAsync(StubbedClient.Event(), Ct)
        );
        logger.Lines.Enqueue(down.ToString());

        var lines = logger.Lines.ToList();
        Assert.Equal(
            3,
            lines.Count(l =>
                l.Contains("retry 1 of", StringComparison.Ordinal) || l.Contains("retry 2 of", StringComparison.Ordinal)
            )
        );
        Assert.Contains(lines, l =>
            l.Contains("Stripe 429 invalid_request_error (request req_", StringComparison.Ordinal)
        );
        Assert.Contains(lines, l => l.Contains("Stripe 500 api_error (request req_", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Stripe 0 api_connection_error", StringComparison.Ordinal));
        foreach (var secret in new[] { StripeStub.SecretKey, "sk_test_wrong_0123456789" })
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
    }
}
