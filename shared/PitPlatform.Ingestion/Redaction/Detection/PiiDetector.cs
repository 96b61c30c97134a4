namespace PitPlatform.Ingestion.Redaction.Detection;

/// <summary>
/// Finds one kind of personal data in free text, in one pass. Implementations hold no mutable state, so one instance
/// serves every thread. A candidate regex may throw
/// <see cref="System.Text.RegularExpressions.RegexMatchTimeoutException"/>;
/// <see cref="PiiRedactor"/> turns that into a fail-closed result.
/// </summary>
internal abstract class PiiDetector
{
    public abstract PiiKind Kind { get; }

    /// <summary>Adds every span found in <paramref name="text"/> to <paramref name="spans"/>.</summary>
    public abstract void Find(string text, List<PiiSpan> spans);
}
