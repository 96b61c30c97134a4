using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PitPlatform.Governance.Audit;

/// <summary>
/// The canonical encoding an audit entry's hash covers: a version tag, then every field length-prefixed (4-byte
/// big-endian) in a fixed order, the time as Unix microseconds (what Postgres stores), a marker for a missing key
/// prefix, the details' canonical JSON text and the previous hash. Length prefixes keep two different entries from
/// ever encoding to the same bytes.
/// </summary>
public static class AuditHash
{
    public const int Size = 32;
    private static readonly byte[] Version = "pit-audit-v1"u8.ToArray();

    /// <summary>The previous hash of a tenant's first entry.</summary>
    public static byte[] Genesis => new byte[Size];

    public static byte[] Compute(
        string tenant,
        long sequence,
        DateTimeOffset at,
        AuditActor actor,
        string action,
        string target,
        string detailsJson,
        ReadOnlySpan<byte> previousHash
    )
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Version);
        Append(hash, tenant);
        AppendInt64(hash, sequence);
        AppendInt64(hash, ToUnixMicroseconds(at));
        Append(hash, actor.Principal);
        if (actor.KeyPrefix is null)
            hash.AppendData([0]);
        else
        {
            hash.AppendData([1]);
            Append(hash, actor.KeyPrefix);
        }
        Append(hash, action);
        Append(hash, target);
        Append(hash, detailsJson);
        hash.AppendData(previousHash);
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// Postgres keeps microseconds: entries are hashed at that precision so a stored entry re-hashes equal.
    /// </summary>
    public static DateTimeOffset TruncateToMicroseconds(DateTimeOffset at) =>
        new(at.UtcTicks - at.UtcTicks % 10, TimeSpan.Zero);

    public static long ToUnixMicroseconds(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <summary>
    /// Details as canonical JSON: object members sorted by ordinal name at every depth, no whitespace.
    /// </summary>
    public static string CanonicalJson(JsonObject? details)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, details ?? []);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    Write(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                    Write(writer, item);
                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    private static void Append(IncrementalHash hash, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }

    private static void AppendInt64(IncrementalHash hash, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        hash.AppendData(bytes);
    }
}
