using PitPlatform.Billing.Stripe;
using PitPlatform.Billing.Tests.Support;
using Xunit;
using Sdk = global::Stripe;

namespace PitPlatform.Billing.Tests.Stripe;

public sealed class stripe_errors
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_card_error_is_typed_from_stripes_error_object_and_not_retried()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        var client = StubbedClient.For(stub);

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            client.SendAsync(
                (stripe, options, ct) =>
                    stripe.V1.PaymentIntents.CreateAsync(
                        new Sdk.PaymentIntentCreateOptions
                        {
                            Amount = 2000,
                            Currency = "usd",
                            Confirm = true,
                        },
                        options,
                        ct
                    ),
                cancellationToken: Ct
            )
        );

        Assert.Equal(402, error.Status);
        Assert.Equal("card_error", error.Type);
        Assert.Equal("card_declined", error.Code);
        Assert.Equal("insufficient_funds", error.DeclineCode);
        Assert.Equal("Your card was declined.", error.StripeMessage);
        Assert.StartsWith("req_", error.RequestId, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
        Assert.Single(stub.Requests);
        Assert.Contains(error.RequestId!, error.Message, StringComparison.Ordinal);
        // Stripe.net's exception is mapped, not wrapped: its message is Stripe's text, which we do not control.
        Assert.Null(error.InnerException);
    }

    [Fact]
    public async Task an_invalid_request_error_names_the_parameter_and_is_not_retried()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        stub.EnqueueError(400, "invalid_request_error", "No such customer: 'cus_missing'", "resource_missing");
        var client = StubbedClient.For(stub);

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            client.CreateMeterEventAsync(StubbedClient.Event(customer: "cus_missing"), Ct)
        );

        Assert.Equal(400, error.Status);
        Assert.Equal("invalid_request_error", error.Type);
        Assert.Equal("resource_missing", error.Code);
        Assert.False(error.IsTransient);
        Assert.False(error.IsDuplicateMeterEvent);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task a_missing_parameter_is_an_invalid_request_error_with_its_param()
    {
        await using var stub = await StripeStub.StartAsync(Ct);

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            StubbedClient
                .For(stub)
                .SendAsync(
                    (stripe, options, ct) =>
                        stripe.V1.Billing.MeterEvents.CreateAsync(
                            new Sdk.Billing.MeterEventCreateOptions { EventName = "pit_events" },
                            options,
                            ct
                        ),
                    cancellationToken: Ct
                )
        );

        Assert.Equal("parameter_missing", error.Code);
        Assert.Equal("payload[value]", error.Param);
    }

    [Fact]
    public async Task a_wrong_secret_key_is_a_401_that_is_not_retried_and_never_echoes_the_key()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        const string wrong = "sk_test_wrong_key_that_must_not_leak_123";

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            StubbedClient.For(stub, secretKey: wrong).CreateMeterEventAsync(StubbedClient.Event(), Ct)
        );

        Assert.Equal(401, error.Status);
        Assert.False(error.IsTransient);
        Assert.Single(stub.Requests);
        Assert.DoesNotContain(wrong, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_secret_key_quoted_in_an_answer_is_masked_in_the_exception()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        stub.EnqueueError(
            400,
            "invalid_request_error",
            $"Invalid API Key provided: {StripeStub.SecretKey}; also tried rk_live_51Habc_DEF"
        );

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            StubbedClient.For(stub).CreateMeterEventAsync(StubbedClient.Event(), Ct)
        );

        Assert.DoesNotContain(StripeStub.SecretKey, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("rk_live_51Habc", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("Invalid API Key provided: sk_test_****; also tried rk_live_****", error.StripeMessage);
    }

    [Fact]
    public async Task a_proxy_answer_without_stripes_error_object_keeps_its_status_and_is_transient()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        stub.EnqueueRaw(502, "text/html", "<html><body>Bad Gateway</body></html>");

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            StubbedClient.For(stub, maxRetries: 0).CreateMeterEventAsync(StubbedClient.Event(), Ct)
        );

        Assert.Equal(502, error.Status);
        Assert.Equal("api_error", error.Type);
        Assert.Equal("HTTP 502", error.StripeMessage);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task no_secret_key_is_a_typed_error_and_nothing_is_sent()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        var client = new StripeClient(
            _ => ValueTask.FromResult(""),
            new StripeClientOptions { Endpoint = stub.Endpoint }
        );

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            client.CreateMeterEventAsync(StubbedClient.Event(), Ct)
        );

        Assert.Equal(0, error.Status);
        Assert.False(error.IsTransient);
        Assert.Empty(stub.Requests);
    }
}
