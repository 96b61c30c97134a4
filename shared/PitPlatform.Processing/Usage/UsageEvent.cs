using PitPlatform.Contracts;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Events.V1;

namespace PitPlatform.Processing.Usage;

/// <summary>
/// A valid event the usage aggregator counts: any tenant event on its topics, with the decoded call when it is an
/// LLM call. <see cref="Day"/> is the UTC day of the event's ts.
/// </summary>
public sealed record UsageEvent(
    ConsumedRecord Record,
    EventEnvelope Envelope,
    Guid EventId,
    DateOnly Day,
    LlmCallEvent? Call
)
{
    public string Tenant => Envelope.Tenant;

    /// <summary>The problem with an LLM call's fields, or null when it can be aggregated.</summary>
    public static string? Check(LlmCallEvent call)
    {
        if (call.Model.Length is 0 or > 200)
            return "model must be 1 to 200 characters";
        if (call.InputTokens < 0 || call.OutputTokens < 0)
            return "token counts must not be negative";
        if (call.CostMicros < 0)
            return "cost_micros must not be negative";
        if (call.LatencyMs < 0)
            return "latency_ms must not be negative";
        // The event schema makes cost and currency optional: a call without a currency still counts its tokens,
        // under the empty currency.
        if (call.Currency.Length != 0 && !Money.IsCurrencyCode(call.Currency))
            return "currency must be three upper-case letters (ISO 4217) or absent";
        return null;
    }
}
