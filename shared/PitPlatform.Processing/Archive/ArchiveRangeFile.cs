using System.Buffers.Binary;
using PitPlatform.Contracts.Envelope.V1;

namespace PitPlatform.Processing.Archive;

/// <summary>
/// The content of a range file: for each record, a 4-byte big-endian length and then the record value's bytes exactly
/// as they were on the topic, in offset order. No framing beyond that, so any tool can read it back.
/// </summary>
public static class ArchiveRangeFile
{
    public static byte[] Encode(IReadOnlyList<byte[]> values)
    {
        var content = new byte[values.Sum(v => 4L + v.Length)];
        var at = 0;
        foreach (var value in values)
        {
            BinaryPrimitives.WriteInt32BigEndian(content.AsSpan(at), value.Length);
            value.CopyTo(content.AsSpan(at + 4));
            at += 4 + value.Length;
        }
        return content;
    }

    /// <summary>
    /// The values of a range file; throws <see cref="FormatException"/> when a length runs past the end.
    /// </summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>> Decode(ReadOnlyMemory<byte> content)
    {
        var values = new List<ReadOnlyMemory<byte>>();
        var at = 0;
        while (at < content.Length)
        {
            if (content.Length - at < 4)
                throw new FormatException($"a length prefix is cut off at byte {at}");
            var length = BinaryPrimitives.ReadInt32BigEndian(content.Span[at..]);
            if (length < 0 || length > content.Length - at - 4)
                throw new FormatException($"the record at byte {at} claims {length} bytes, more than the file holds");
            values.Add(content.Slice(at + 4, length));
            at += 4 + length;
        }
        return values;
    }

    /// <summary>
    /// Whether a record value is an envelope the archive keeps: it parses as an <see cref="EventEnvelope"/> and has an
    /// event id. The archiver and the verifier apply this same rule.
    /// </summary>
    public static bool IsEnvelope(ReadOnlySpan<byte> value)
    {
        try
        {
            return EventEnvelope.Parser.ParseFrom(value).EventId.Length > 0;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return false;
        }
    }
}
