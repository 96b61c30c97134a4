namespace PitPlatform.Ingestion.Redaction;

/// <summary>
/// The redacted text and how many spans each detector redacted. When <see cref="ScanIncomplete"/> is true the scan ran
/// out of time, and <see cref="Text"/> is <see cref="UnscannedText"/> instead of anything unscanned (fail closed).
/// </summary>
public sealed class RedactionResult
{
    /// <summary>What replaces the whole text when it could not be scanned in time.</summary>
    public const string UnscannedText = "[redacted:unscanned]";

    private static readonly PiiKind[] Kinds = Enum.GetValues<PiiKind>();
    private readonly int[] _counts;

    internal RedactionResult(string text, int[] counts, bool scanIncomplete)
    {
        Text = text;
        _counts = counts;
        ScanIncomplete = scanIncomplete;
        Counts = Kinds.ToDictionary(kind => kind, kind => counts[(int)kind]);
    }

    public string Text { get; }

    public bool ScanIncomplete { get; }

    /// <summary>Redacted spans per detector; every kind is present, most with 0.</summary>
    public IReadOnlyDictionary<PiiKind, int> Counts { get; }

    public int Total => _counts.Sum();

    public int Count(PiiKind kind) => _counts[(int)kind];

    internal static RedactionResult Unchanged(string text) => new(text, new int[Kinds.Length], scanIncomplete: false);

    internal static RedactionResult Unscanned() => new(UnscannedText, new int[Kinds.Length], scanIncomplete: true);
}
