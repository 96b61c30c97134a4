namespace PitPlatform.Billing;

/// <summary>
/// The billing component's validated settings (PIT_STRIPE_*, PIT_BILLING_*; read by the hosts' settings reader).
/// Billing is off unless a Stripe secret key is configured: the key itself is never held here, only read at run time
/// through the secret source, so a rotated key is picked up without a restart.
/// </summary>
public sealed record BillingSettings
{
    /// <summary>
    /// True when PIT_STRIPE_SECRET_KEY is configured (an app setting, a Key Vault reference, or Key Vault).
    /// </summary>
    public bool Enabled { get; init; }

    /// <summary>Stripe's API root (PIT_STRIPE_API_BASE).</summary>
    public Uri StripeEndpoint { get; init; } = new("https://api.stripe.com/");

    /// <summary>
    /// How often the local host runs the reporter (PIT_BILLING_INTERVAL_MINUTES). Functions use their timer's schedule.
    /// </summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How many past UTC days each run looks at (PIT_BILLING_LOOKBACK_DAYS, 1 to 30: Stripe accepts 35 days back).
    /// </summary>
    public int LookbackDays { get; init; } = 7;

    /// <summary>
    /// How long after a UTC day ends before it is reported, so late events land first (PIT_BILLING_SETTLE_HOURS).
    /// </summary>
    public TimeSpan SettleDelay { get; init; } = TimeSpan.FromHours(2);

    /// <summary>
    /// The currency of the LLM-cost meter (PIT_BILLING_CURRENCY); costs in other currencies are not billed.
    /// </summary>
    public string Currency { get; init; } = "USD";

    /// <summary>
    /// Distinct tenants whose Stripe calls may fail transiently in a row before the run stops and leaves the rest
    /// pending.
    /// </summary>
    public int MaxConsecutiveTransientFailures { get; init; } = 3;
}
