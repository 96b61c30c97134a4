using System.Globalization;

namespace PitPlatform.Processing.Archive;

/// <summary>
/// Blob names of the archive: <c>archive/{topic}/{partition}/{first:D20}-{last:D20}</c> for a range file and the same
/// name plus <see cref="ManifestSuffix"/> for its manifest. Offsets are zero-padded so names sort in offset order and
/// the same range always gets the same name.
/// </summary>
public static class ArchiveNames
{
    public const string Root = "archive/";
    public const string ManifestSuffix = ".manifest.json";

    public static string TopicPrefix(string topic) => $"{Root}{topic}/";

    public static string PartitionPrefix(string topic, int partition) =>
        $"{TopicPrefix(topic)}{partition.ToString(CultureInfo.InvariantCulture)}/";

    /// <summary>Every name of a range that starts at <paramref name="firstOffset"/>, whatever its end.</summary>
    public static string StartingAt(string topic, int partition, long firstOffset) =>
        $"{PartitionPrefix(topic, partition)}{Pad(firstOffset)}-";

    public static string Range(string topic, int partition, long firstOffset, long lastOffset) =>
        $"{StartingAt(topic, partition, firstOffset)}{Pad(lastOffset)}";

    public static string Manifest(string topic, int partition, long firstOffset, long lastOffset) =>
        Range(topic, partition, firstOffset, lastOffset) + ManifestSuffix;

    /// <summary>
    /// Reads a blob name back; false for anything under <see cref="Root"/> that the archiver never writes.
    /// </summary>
    public static bool TryParse(string name, out ArchiveBlobName parsed)
    {
        parsed = default;
        if (!name.StartsWith(Root, StringComparison.Ordinal))
            return false;
        var parts = name[Root.Length..].Split('/');
        if (parts.Length != 3 || parts[0].Length == 0)
            return false;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var partition))
            return false;
        var leaf = parts[2];
        var isManifest = leaf.EndsWith(ManifestSuffix, StringComparison.Ordinal);
        if (isManifest)
            leaf = leaf[..^ManifestSuffix.Length];
        var offsets = leaf.Split('-');
        if (offsets.Length != 2 || offsets[0].Length != 20 || offsets[1].Length != 20)
            return false;
        if (!long.TryParse(offsets[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first))
            return false;
        if (!long.TryParse(offsets[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last))
            return false;
        parsed = new ArchiveBlobName(parts[0], partition, first, last, isManifest);
        return true;
    }

    private static string Pad(long offset) => offset.ToString("D20", CultureInfo.InvariantCulture);
}

/// <summary>What a blob name under <see cref="ArchiveNames.Root"/> says about itself.</summary>
public readonly record struct ArchiveBlobName(
    string Topic,
    int Partition,
    long FirstOffset,
    long LastOffset,
    bool IsManifest
);
