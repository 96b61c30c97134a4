namespace PitPlatform.Billing.Stripe;

/// <summary>
/// One usage report for a Stripe meter. <see cref="Identifier"/> is ours and deterministic: Stripe refuses a second
/// event with the same identifier for at least 24 hours, which is what makes a re-run harmless.
/// </summary>
/// <param name="EventName">The meter's event_name (at most 100 characters).</param>
/// <param name="StripeCustomerId">payload[stripe_customer_id].</param>
/// <param name="Value">payload[value]: a whole, non-negative quantity.</param>
/// <param name="Timestamp">When the usage happened; Stripe accepts the past 35 days up to 5 minutes ahead.</param>
/// <param name="Identifier">At most 100 characters.</param>
public sealed record StripeMeterEventRequest(string EventName, string StripeCustomerId, long Value, DateTimeOffset Timestamp, string Identifier)
{
    public const int MaxIdentifierLength = 100;

    public StripeForm ToForm()
    {
        if (EventName.Length is 0 or > 100) throw new ArgumentException("event_name must be 1 to 100 characters", nameof(EventName));
        if (Identifier.Length is 0 or > MaxIdentifierLength) throw new ArgumentException($"identifier must be 1 to {MaxIdentifierLength} characters", nameof(Identifier));
        ArgumentOutOfRangeException.ThrowIfNegative(Value);
        return new StripeForm()
            .Add("event_name", EventName)
            .AddObject("payload", [new("stripe_customer_id", StripeCustomerId), new("value", Value.ToString(System.Globalization.CultureInfo.InvariantCulture))])
            .Add("timestamp", Timestamp.ToUnixTimeSeconds())
            .Add("identifier", Identifier);
    }
}
