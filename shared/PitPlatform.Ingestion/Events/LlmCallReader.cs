using System.Text.Json;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Ingestion.Redaction;

namespace PitPlatform.Ingestion.Events;

/// <summary>
/// Maps the payload of a runtime.llm_call event that passed the schema onto its protobuf message, redacting the
/// prompt and response under the tenant's policy and always replacing the user identifier by its HMAC.
/// </summary>
internal static class LlmCallReader
{
    public static LlmCallEvent Read(JsonElement payload, PiiRedactor redactor, RedactionPolicy policy) =>
        new()
        {
            Model = payload.GetProperty("model").GetString(),
            Prompt = Text(payload, "prompt", redactor, policy),
            Response = Text(payload, "response", redactor, policy),
            InputTokens = payload.GetProperty("input_tokens").GetInt64(),
            OutputTokens = payload.GetProperty("output_tokens").GetInt64(),
            CostMicros = payload.TryGetProperty("cost_micros", out var cost) ? cost.GetInt64() : 0,
            Currency = payload.TryGetProperty("currency", out var currency) ? currency.GetString() : "",
            LatencyMs = payload.TryGetProperty("latency_ms", out var latency) ? latency.GetInt64() : 0,
            RunId = payload.TryGetProperty("run_id", out var run) ? run.GetString() : "",
            UserRefHash = payload.TryGetProperty("user_id", out var user)
                ? UserIdentifierHasher.HashUserId(user.GetString()!, policy.TenantKey!)
                : "",
            Flagged = payload.TryGetProperty("flagged", out var flagged) && flagged.GetBoolean(),
        };

    private static string Text(JsonElement payload, string name, PiiRedactor redactor, RedactionPolicy policy) =>
        payload.TryGetProperty(name, out var value) ? redactor.Redact(value.GetString()!, policy).Text : "";
}
