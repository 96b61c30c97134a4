namespace PitPlatform.Processing.Archive;

/// <summary>
/// A blob the archiver was about to write already exists with other bytes. Archived blobs are never overwritten, so
/// this is an alarm for an operator (docs/runbooks/archive.md): the partition's chain stops until it is resolved.
/// </summary>
public sealed class ArchiveConflictException(string blobName, string existingSha256, string expectedSha256)
    : Exception(
        $"archive blob {blobName} already exists with different content (sha256 {existingSha256}, expected "
            + $"{expectedSha256}); it was not overwritten"
    )
{
    public string BlobName { get; } = blobName;
}
