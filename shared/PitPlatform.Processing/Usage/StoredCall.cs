namespace PitPlatform.Processing.Usage;

/// <summary>
/// An LLM call row to write (llm_calls): the call, the SHA-256 of its prompt and response, and why its text is kept
/// (null: the text is not stored).
/// </summary>
public sealed record StoredCall(UsageEvent Event, byte[] PromptSha256, byte[] ResponseSha256, string? TextKeptBecause);
