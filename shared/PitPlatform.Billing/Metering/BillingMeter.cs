namespace PitPlatform.Billing.Metering;

/// <summary>
/// What a tenant is billed for, each reported to the Stripe meter whose event_name is <see cref="EventName"/>
/// (create those meters in Stripe with sum aggregation; see docs/runbooks/billing.md).
/// </summary>
public sealed record BillingMeter(string Key, string EventName, string Description)
{
    public static readonly BillingMeter Events = new("events", "pit_events", "events ingested (each event_id once)");
    public static readonly BillingMeter LlmTokens = new("llm_tokens", "pit_llm_tokens", "LLM input plus output tokens");
    public static readonly BillingMeter LlmCostMicros = new(
        "llm_cost_micros",
        "pit_llm_cost_micros",
        "LLM cost in micros of the billing currency"
    );

    public static readonly IReadOnlyList<BillingMeter> All = [Events, LlmTokens, LlmCostMicros];

    public static BillingMeter ByKey(string key) =>
        All.FirstOrDefault(m => m.Key == key) ?? throw new ArgumentException($"no billing meter '{key}'", nameof(key));
}
