namespace PitPlatform.Processing.Archive;

/// <summary>What <see cref="ArchiveVerifier"/> found for one (topic, partition) chain.</summary>
public sealed record ChainVerification(
    string Topic,
    int Partition,
    int Ranges,
    long Records,
    long? FirstOffset,
    long? LastOffset,
    long GapOffsets,
    string? BrokenAt,
    string? Problem,
    int RedactedRanges = 0
)
{
    public bool IsIntact => Problem is null;

    public string Summary =>
        IsIntact
            ? $"{Topic}/{Partition}: intact, {Ranges} ranges, {Records} records, offsets {FirstOffset}..{LastOffset}"
                + (GapOffsets > 0 ? $", {GapOffsets} offsets never archived (recorded as gaps)" : "")
                + (RedactedRanges > 0 ? $", {RedactedRanges} ranges redacted by deletions (recorded and audited)" : "")
                + ", head matches"
            : $"{Topic}/{Partition}: BROKEN at {BrokenAt}: {Problem} (after {Ranges} intact ranges)";
}

/// <summary>Every chain <see cref="ArchiveVerifier"/> walked.</summary>
public sealed record ArchiveVerification(IReadOnlyList<ChainVerification> Chains)
{
    public bool IsIntact => Chains.All(c => c.IsIntact);

    /// <summary>Range files rewritten by deletions along audited redaction records, over every chain.</summary>
    public int RedactedRanges => Chains.Sum(c => c.RedactedRanges);

    public ChainVerification? FirstBroken => Chains.FirstOrDefault(c => !c.IsIntact);
}
