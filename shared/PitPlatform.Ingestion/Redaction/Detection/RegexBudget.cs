namespace PitPlatform.Ingestion.Redaction.Detection;

/// <summary>
/// The match timeout of every candidate regex. The patterns are bounded (no nested unbounded repetition), so this is
/// a guard, not an expected path: a 1 MB text takes milliseconds per detector.
/// </summary>
internal static class RegexBudget
{
    public const int Milliseconds = 2000;
}
