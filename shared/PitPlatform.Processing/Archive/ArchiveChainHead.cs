namespace PitPlatform.Processing.Archive;

/// <summary>The last range archived for one (topic, partition), as the archive_chain_heads row holds it.</summary>
public sealed record ArchiveChainHead(
    string Topic,
    int Partition,
    long LastOffset,
    string ManifestName,
    string ManifestSha256,
    long Ranges,
    long Records
);
