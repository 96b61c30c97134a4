using System.Globalization;

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
public sealed record StripeMeterEventRequest(
    string EventName,
    string StripeCustomerId,
    long Value,
    DateTimeOffset Timestamp,
    string Identifier
)
{
    public const int MaxIdentifierLength = 100;
    public const int MaxEventNameLength = 100;

    /// <summary>Stripe.net's parameters for POST /v1/billing/meter_events.</summary>
    /// <exception cref="ArgumentException">A field breaks Stripe's limits.</exception>
    public global::Stripe.Billing.MeterEventCreateOptions ToCreateOptions()
    {
        Validate();
        return new()
        {
            EventName = EventName,
            Identifier = Identifier,
            Payload = new()
            {
                ["stripe_customer_id"] = StripeCustomerId,
                ["value"] = Value.ToString(CultureInfo.InvariantCulture),
            },
            Timestamp = Timestamp.UtcDateTime,
        };
    }

    /// <summary>
    /// The body as our first, hand-written client encoded it (these fields in this order, RFC 3986 escaping): the input
    /// of the Idempotency-Key's digest. It must stay byte for byte, so a report first sent before the move to
    /// Stripe.net keeps its key; what Stripe.net puts on the wire does not change it.
    /// </summary>
    internal string CanonicalBody()
    {
        Validate();
        (string Name, string Value)[] fields =
        [
            ("event_name", EventName),
            ("payload[stripe_customer_id]", StripeCustomerId),
            ("payload[value]", Value.ToString(CultureInfo.InvariantCulture)),
            ("timestamp", Timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            ("identifier", Identifier),
        ];
        return string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Name) + "=" + Uri.EscapeDataString(f.Value)));
    }

    private void Validate()
    {
        if (EventName.Length is 0 or > MaxEventNameLength)
            throw new ArgumentException($"event_name must be 1 to {MaxEventNameLength} characters", nameof(EventName));
        if (Identifier.Length is 0 or > MaxIdentifierLength)
            throw new ArgumentException(
                $"identifier must be 1 to {MaxIdentifierLength} characters",
                nameof(Identifier)
            );
        ArgumentNullException.ThrowIfNull(StripeCustomerId);
        ArgumentOutOfRangeException.ThrowIfNegative(Value);
    }
}
