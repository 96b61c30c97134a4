namespace PitPlatform.Billing.Stripe;

/// <summary>
/// A successful Stripe answer: Stripe.net's object plus what we keep for the record (status, Request-Id, whether Stripe
/// replayed an earlier answer to the same Idempotency-Key, and the raw JSON body).
/// </summary>
public sealed record StripeResponse<T>(T Value, int Status, string? RequestId, bool IdempotentReplayed, string RawBody);
