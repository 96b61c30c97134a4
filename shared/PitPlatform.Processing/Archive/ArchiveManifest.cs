using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace PitPlatform.Processing.Archive;

/// <summary>
/// What one range file holds and where it sits in its partition's chain. Serialized as canonical JSON (fixed field
/// order, no whitespace, timestamps in UTC with milliseconds), and every field is derived from the records and the
/// previous manifest, never from the clock, so archiving the same range again yields the same bytes.
/// </summary>
public sealed record ArchiveManifest(
    string Topic,
    int Partition,
    long FirstOffset,
    long LastOffset,
    int Count,
    long PreviousLastOffset,
    long RangeBytes,
    string RangeSha256,
    string PreviousManifestSha256,
    DateTimeOffset CreatedAt
)
{
    public const string FormatName = "pit-archive-manifest/1";

    /// <summary>The previous-manifest hash of the first manifest of a chain.</summary>
    public static readonly string GenesisSha256 = new('0', 64);

    /// <summary>The offset before the first of a chain: the first range's gap counts from offset 0.</summary>
    public const long GenesisLastOffset = -1;

    /// <summary>
    /// Offsets between the previous range and this one that the archive never saw (retention, compaction).
    /// </summary>
    public long GapBefore => FirstOffset - PreviousLastOffset - 1;

    /// <summary>
    /// Offsets inside this range that held no archived record (compaction, or records that were not envelopes).
    /// </summary>
    public long GapsWithin => LastOffset - FirstOffset + 1 - Count;

    public byte[] ToCanonicalJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteString("format", FormatName);
            json.WriteString("topic", Topic);
            json.WriteNumber("partition", Partition);
            json.WriteNumber("first_offset", FirstOffset);
            json.WriteNumber("last_offset", LastOffset);
            json.WriteNumber("count", Count);
            json.WriteNumber("previous_last_offset", PreviousLastOffset);
            json.WriteNumber("gap_before", GapBefore);
            json.WriteNumber("gaps_within", GapsWithin);
            json.WriteNumber("range_bytes", RangeBytes);
            json.WriteString("range_sha256", RangeSha256);
            json.WriteString("previous_manifest_sha256", PreviousManifestSha256);
            json.WriteString("created_at", FormatTime(CreatedAt));
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Reads a manifest; throws <see cref="FormatException"/> when a field is missing or of the wrong kind.
    /// </summary>
    public static ArchiveManifest Parse(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.GetProperty("format").GetString() != FormatName)
                throw new FormatException($"format is not {FormatName}");
            return new ArchiveManifest(
                root.GetProperty("topic").GetString() ?? throw new FormatException("topic is null"),
                root.GetProperty("partition").GetInt32(),
                root.GetProperty("first_offset").GetInt64(),
                root.GetProperty("last_offset").GetInt64(),
                root.GetProperty("count").GetInt32(),
                root.GetProperty("previous_last_offset").GetInt64(),
                root.GetProperty("range_bytes").GetInt64(),
                root.GetProperty("range_sha256").GetString() ?? throw new FormatException("range_sha256 is null"),
                root.GetProperty("previous_manifest_sha256").GetString()
                    ?? throw new FormatException("previous_manifest_sha256 is null"),
                DateTimeOffset.ParseExact(
                    root.GetProperty("created_at").GetString() ?? "",
                    TimeFormat,
                    CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal
                )
            );
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"not a manifest: {e.Message}", e);
        }
    }

    public static string Sha256Hex(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    private static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);
}
