using System.Text.Json;

namespace PitPlatform.Sdk.Events;

/// <summary>
/// One call to a language model (<c>runtime.llm_call</c>). Prompt and response are redacted server-side.
/// </summary>
/// <param name="series">The series (for example the application).</param>
/// <param name="cell">An optional cell.</param>
public sealed class LlmCallEvent(string series, string? cell = null) : PitEvent("runtime.llm_call", series, cell)
{
    /// <summary>The model name, 1 to 128 characters.</summary>
    public required string Model { get; init; }

    /// <summary>Tokens read.</summary>
    public required long InputTokens { get; init; }

    /// <summary>Tokens written.</summary>
    public required long OutputTokens { get; init; }

    /// <summary>The prompt text, if recorded.</summary>
    public string? Prompt { get; init; }

    /// <summary>The response text, if recorded.</summary>
    public string? Response { get; init; }

    /// <summary>Cost in micros of <see cref="Currency"/>.</summary>
    public long? CostMicros { get; init; }

    /// <summary>ISO 4217 code of <see cref="CostMicros"/>.</summary>
    public string? Currency { get; init; }

    /// <summary>Latency in milliseconds.</summary>
    public long? LatencyMs { get; init; }

    /// <summary>The agent run this call belongs to.</summary>
    public string? RunId { get; init; }

    /// <summary>The end user, if known.</summary>
    public string? UserId { get; init; }

    /// <summary>Whether the application flagged the call.</summary>
    public bool? Flagged { get; init; }

    /// <inheritdoc />
    protected override void WritePayloadMembers(Utf8JsonWriter writer)
    {
        writer.WriteString("model", Model);
        if (Prompt is not null)
            writer.WriteString("prompt", Prompt);
        if (Response is not null)
            writer.WriteString("response", Response);
        writer.WriteNumber("input_tokens", InputTokens);
        writer.WriteNumber("output_tokens", OutputTokens);
        if (CostMicros is { } cost)
            writer.WriteNumber("cost_micros", cost);
        if (Currency is not null)
            writer.WriteString("currency", Currency);
        if (LatencyMs is { } latency)
            writer.WriteNumber("latency_ms", latency);
        if (RunId is not null)
            writer.WriteString("run_id", RunId);
        if (UserId is not null)
            writer.WriteString("user_id", UserId);
        if (Flagged is { } flagged)
            writer.WriteBoolean("flagged", flagged);
    }
}
