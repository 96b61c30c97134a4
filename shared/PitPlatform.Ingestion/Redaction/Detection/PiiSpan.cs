namespace PitPlatform.Ingestion.Redaction.Detection;

/// <summary>A stretch of text a detector took for personal data.</summary>
internal readonly record struct PiiSpan(int Start, int Length, PiiKind Kind)
{
    public int End => Start + Length;
}
