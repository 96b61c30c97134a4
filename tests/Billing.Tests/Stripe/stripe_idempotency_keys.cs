using PitPlatform.Billing.Stripe;
using Xunit;

namespace PitPlatform.Billing.Tests.Stripe;

/// <summary>
/// The Idempotency-Key of a meter event is part of the no-double-billing contract: a report re-sent after a deploy must
/// carry the key its first attempt carried, so these values are pinned to the ones the first client sent.
/// </summary>
public sealed class stripe_idempotency_keys
{
    [Fact]
    public void a_meter_events_idempotency_key_is_its_identifier_plus_a_digest_of_its_body_as_first_sent()
    {
        Assert.Equal("pit-test-1-56a9fe7409b0bb86", StripeClient.MeterEventIdempotencyKey(StubbedClient.Event()));
        Assert.Equal(
            "pit_llm_tokens_20261122_r2_acme-5b0b0622f9216b7b",
            StripeClient.MeterEventIdempotencyKey(
                new StripeMeterEventRequest(
                    "pit_llm_tokens",
                    "cus_a b/é",
                    1_234_567_890_123,
                    DateTimeOffset.FromUnixTimeSeconds(1_764_547_199),
                    "pit_llm_tokens_20261122_r2_acme"
                )
            )
        );
    }

    [Fact]
    public void a_changed_customer_or_value_changes_the_key_but_not_its_identifier_prefix()
    {
        var first = StripeClient.MeterEventIdempotencyKey(StubbedClient.Event());
        var otherCustomer = StripeClient.MeterEventIdempotencyKey(StubbedClient.Event(customer: "cus_other"));
        var otherValue = StripeClient.MeterEventIdempotencyKey(StubbedClient.Event(value: 26));

        Assert.Equal(3, new[] { first, otherCustomer, otherValue }.Distinct().Count());
        Assert.All(new[] { first, otherCustomer, otherValue }, key =>
            Assert.StartsWith("pit-test-1-", key, StringComparison.Ordinal)
        );
    }
}
