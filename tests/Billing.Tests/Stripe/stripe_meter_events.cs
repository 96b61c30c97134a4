using PitPlatform.Billing.Stripe;
using PitPlatform.Billing.Tests.Support;
using Xunit;

namespace PitPlatform.Billing.Tests.Stripe;

public sealed class stripe_meter_events
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_meter_event_is_form_encoded_with_bearer_auth_api_version_and_a_deterministic_idempotency_key()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        var request = StubbedClient.Event();

        var response = await StubbedClient.For(stub).CreateMeterEventAsync(request, Ct);

        var sent = Assert.Single(stub.Requests);
        Assert.Equal("/v1/billing/meter_events", sent.Path);
        Assert.Equal("Bearer " + StripeStub.SecretKey, sent.Authorization);
        Assert.Equal(StripeClientOptions.ApiVersion, sent.StripeVersion);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}\.[a-z]+$", sent.StripeVersion);
        Assert.StartsWith("application/x-www-form-urlencoded", sent.ContentType, StringComparison.Ordinal);
        Assert.Equal("pit-test-1-56a9fe7409b0bb86", sent.IdempotencyKey);
        Assert.Equal("pit_events", sent.Form["event_name"]);
        Assert.Equal("cus_NciAYcXfLnqBoz", sent.Form["payload[stripe_customer_id]"]);
        Assert.Equal("25", sent.Form["payload[value]"]);
        Assert.Equal("1764547199", sent.Form["timestamp"]);
        Assert.Equal("pit-test-1", sent.Form["identifier"]);

        Assert.Equal(200, response.Status);
        Assert.StartsWith("req_", response.RequestId, StringComparison.Ordinal);
        Assert.False(response.IdempotentReplayed);
        Assert.Contains("\"billing.meter_event\"", response.RawBody, StringComparison.Ordinal);
        Assert.Equal("billing.meter_event", response.Value.Object);
        Assert.Equal("pit-test-1", response.Value.Identifier);
        Assert.Equal("25", response.Value.Payload["value"]);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_764_547_199).UtcDateTime, response.Value.Timestamp);
    }

    [Fact]
    public async Task stripe_net_sends_no_client_telemetry()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        var client = StubbedClient.For(stub);

        // Stripe.net reports a request's latency on the next one, so it takes two to tell.
        await client.CreateMeterEventAsync(StubbedClient.Event("pit-test-1"), Ct);
        await client.CreateMeterEventAsync(StubbedClient.Event("pit-test-2"), Ct);

        Assert.Equal(2, stub.Requests.Count);
        Assert.All(stub.Requests, r => Assert.False(r.Headers.ContainsKey("X-Stripe-Client-Telemetry")));
    }

    [Fact]
    public async Task the_same_idempotency_key_replays_the_first_answer_and_records_usage_once()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        var client = StubbedClient.For(stub);

        var first = await client.CreateMeterEventAsync(StubbedClient.Event(), Ct);
        var second = await client.CreateMeterEventAsync(StubbedClient.Event(), Ct);

        Assert.False(first.IdempotentReplayed);
        Assert.True(second.IdempotentReplayed);
        Assert.Equal(first.RawBody, second.RawBody);
        Assert.Equal((first.Value.Identifier, first.Value.Created), (second.Value.Identifier, second.Value.Created));
        Assert.Single(stub.MeterEvents);
        Assert.Equal(25, stub.Total("cus_NciAYcXfLnqBoz", "pit_events"));
    }

    [Fact]
    public async Task a_key_reused_with_different_parameters_is_an_idempotency_error_that_is_not_retried()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        var client = StubbedClient.For(stub);
        await client.SendAsync(
            (stripe, options, ct) =>
                stripe.V1.Billing.MeterEvents.CreateAsync(StubbedClient.Event().ToCreateOptions(), options, ct),
            "key-1",
            Ct
        );

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            client.SendAsync(
                (stripe, options, ct) =>
                    stripe.V1.Billing.MeterEvents.CreateAsync(
                        StubbedClient.Event(value: 26).ToCreateOptions(),
                        options,
                        ct
                    ),
                "key-1",
                Ct
            )
        );

        Assert.Equal(400, error.Status);
        Assert.Equal("idempotency_error", error.Type);
        Assert.False(error.IsTransient);
        Assert.Equal(2, stub.Requests.Count);
        Assert.All(stub.Requests, r => Assert.Equal("key-1", r.IdempotencyKey));
    }

    [Fact]
    public async Task a_second_event_with_the_same_identifier_is_refused_and_recognised_as_already_delivered()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        var client = StubbedClient.For(stub);
        await client.CreateMeterEventAsync(StubbedClient.Event(), Ct);

        // A different value changes the parameters, hence the Idempotency-Key; Stripe still refuses the identifier.
        var error = await Assert.ThrowsAsync<StripeException>(() =>
            client.CreateMeterEventAsync(StubbedClient.Event(value: 30), Ct)
        );

        Assert.True(error.IsDuplicateMeterEvent);
        Assert.False(error.IsTransient);
        Assert.Equal(25, stub.Total("cus_NciAYcXfLnqBoz", "pit_events"));
    }

    [Fact]
    public async Task a_request_breaking_stripes_limits_is_refused_before_anything_is_sent()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        var client = StubbedClient.For(stub);

        await Assert.ThrowsAsync<ArgumentException>(() =>
            client.CreateMeterEventAsync(StubbedClient.Event(identifier: new string('x', 101)), Ct)
        );
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            client.CreateMeterEventAsync(StubbedClient.Event(value: -1), Ct)
        );

        Assert.Empty(stub.Requests);
    }
}
