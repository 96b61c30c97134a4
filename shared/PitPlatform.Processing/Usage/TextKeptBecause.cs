namespace PitPlatform.Processing.Usage;

/// <summary>
/// Why an LLM call's full prompt and response were stored (llm_calls.text_kept_because); null: only hashes.
/// </summary>
public static class TextKeptBecause
{
    public const string OptIn = "opt_in";
    public const string Flagged = "flagged";
    public const string Sampled = "sampled";

    /// <summary>The tenant's opt-in first, then the flag, then the sample: the first reason that applies.</summary>
    public static string? Decide(bool tenantOptedIn, bool flagged, bool sampled) =>
        tenantOptedIn ? OptIn
        : flagged ? Flagged
        : sampled ? Sampled
        : null;
}
