using PitPlatform.Billing.Stripe;
using PitPlatform.Billing.Tests.Support;
using Xunit;

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
            client.PostAsync("v1/payment_intents", new StripeForm().Add("amount", 2000).Add("currency", "usd").Add("confirm", "true"), cancellationToken: Ct));

        Assert.Equal(402, error.Status);
        Assert.Equal("card_error", error.Type);
        Assert.Equal("card_declined", error.Code);
        Assert.Equal("insufficient_funds", error.DeclineCode);
        Assert.Equal("Your card was declined.", error.StripeMessage);
        Assert.StartsWith("req_", error.RequestId, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
        Assert.Single(stub.Requests);
        Assert.Contains(error.RequestId!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_invalid_request_error_names_the_parameter_and_is_not_retried()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        stub.EnqueueError(400, "invalid_request_error", "No such customer: 'cus_missing'", "resource_missing");
        var client = StubbedClient.For(stub);

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            client.PostAsync("v1/billing/meter_events", new StripeForm().Add("event_name", "pit_events"), cancellationToken: Ct));

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
            StubbedClient.For(stub).PostAsync("v1/billing/meter_events", new StripeForm().Add("event_name", "pit_events"), cancellationToken: Ct));

        Assert.Equal("parameter_missing", error.Code);
        Assert.Equal("payload[value]", error.Param);
    }

    [Fact]
    public async Task a_wrong_secret_key_is_a_401_that_is_not_retried_and_never_echoes_the_key()
    {
        await using var stub = await StripeStub.StartAsync(Ct);
        const string wrong = "sk_test_wrong_key_that_must_not_leak_123";

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            StubbedClient.For(stub, secretKey: wrong).CreateMeterEventAsync(StubbedClient.Event(), Ct));

        Assert.Equal(401, error.Status);
        Assert.False(error.IsTransient);
        Assert.DoesNotContain(wrong, error.ToString(), StringComparison.Ordinal);
    }
}
