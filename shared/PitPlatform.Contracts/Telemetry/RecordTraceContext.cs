using System.Diagnostics;
using System.Text;
using PitPlatform.Contracts.Consuming;

namespace PitPlatform.Contracts.Telemetry;

/// <summary>
/// The W3C trace context a record was produced under: its <c>traceparent</c> and <c>tracestate</c> Kafka headers when
/// the host handed headers over, else the envelope's own fields, found by walking the protobuf wire format without
/// parsing the rest of the envelope (the local host does not decode headers for handlers that do not read them).
/// Called for every record while spans are recorded, so the common case, a version-00 traceparent and no tracestate,
/// is read straight from the bytes without a string.
/// </summary>
public static class RecordTraceContext
{
    private const int TraceparentField = 12;
    private const int TracestateField = 13;

    public static bool TryRead(ConsumedRecord record, out ActivityContext context)
    {
        context = default;
        if (record.IsTombstone)
            return false;
        byte[]? headerParent = null,
            headerState = null;
        foreach (var (name, value) in record.Headers)
        {
            if (name == "traceparent")
                headerParent = value;
            else if (name == "tracestate")
                headerState = value;
        }
        if (headerParent is not null)
            return TryParse(headerParent, headerState, out context);
        return FindEnvelopeFields(record.Value, out var parent, out var state) && TryParse(parent, state, out context);
    }

    /// <summary>
    /// A traceparent (and optional tracestate) as UTF-8 bytes; the same answers as ActivityContext.TryParse.
    /// </summary>
    public static bool TryParse(
        ReadOnlySpan<byte> traceparent,
        ReadOnlySpan<byte> tracestate,
        out ActivityContext context
    )
    {
        context = default;
        if (traceparent.IsEmpty)
            return false;
        if (!tracestate.IsEmpty || !IsPlainVersionZero(traceparent))
        {
            // Rare shapes (a tracestate, a future version) take the runtime's own parser.
            return ActivityContext.TryParse(
                Encoding.ASCII.GetString(traceparent),
                tracestate.IsEmpty ? null : Encoding.ASCII.GetString(tracestate),
                isRemote: true,
                out context
            );
        }
        var flags = (HexValue(traceparent[53]) << 4) | HexValue(traceparent[54]);
        context = new ActivityContext(
            ActivityTraceId.CreateFromUtf8String(traceparent.Slice(3, 32)),
            ActivitySpanId.CreateFromUtf8String(traceparent.Slice(36, 16)),
            (ActivityTraceFlags)flags,
            traceState: null,
            isRemote: true
        );
        return true;
    }

    /// <summary>"00-" 32 hex "-" 16 hex "-" 2 hex, lower case, ids not all zeros: what W3C version 00 allows.</summary>
    private static bool IsPlainVersionZero(ReadOnlySpan<byte> value) =>
        value.Length == 55
        && value[0] == '0'
        && value[1] == '0'
        && value[2] == '-'
        && value[35] == '-'
        && value[52] == '-'
        && IsLowerHexNotAllZeros(value.Slice(3, 32))
        && IsLowerHexNotAllZeros(value.Slice(36, 16))
        && IsLowerHex(value.Slice(53, 2));

    private static bool IsLowerHexNotAllZeros(ReadOnlySpan<byte> value) =>
        IsLowerHex(value) && value.ContainsAnyExcept((byte)'0');

    private static bool IsLowerHex(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if (b is not ((>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f')))
                return false;
        }
        return true;
    }

    private static int HexValue(byte b) => b <= '9' ? b - '0' : b - 'a' + 10;

    /// <summary>The envelope's traceparent and tracestate bytes; false when the bytes are no envelope (a poison record,
    /// whose span simply starts a trace of its own).</summary>
    private static bool FindEnvelopeFields(
        ReadOnlySpan<byte> value,
        out ReadOnlySpan<byte> traceparent,
        out ReadOnlySpan<byte> tracestate
    )
    {
        traceparent = default;
        tracestate = default;
        while (!value.IsEmpty)
        {
            if (!TryReadVarint(ref value, out var tag))
                return false;
            switch (tag & 7)
            {
                case 0:
                    if (!TryReadVarint(ref value, out _))
                        return false;
                    break;
                case 1:
                    if (value.Length < 8)
                        return false;
                    value = value[8..];
                    break;
                case 2:
                    if (!TryReadVarint(ref value, out var length) || length > (ulong)value.Length)
                        return false;
                    var field = value[..(int)length];
                    if (tag >> 3 == TraceparentField)
                        traceparent = field;
                    else if (tag >> 3 == TracestateField)
                        tracestate = field;
                    value = value[(int)length..];
                    break;
                case 5:
                    if (value.Length < 4)
                        return false;
                    value = value[4..];
                    break;
                default:
                    return false;
            }
        }
        return true;
    }

    private static bool TryReadVarint(ref ReadOnlySpan<byte> value, out ulong result)
    {
        result = 0;
        for (var shift = 0; shift < 64 && !value.IsEmpty; shift += 7)
        {
            var b = value[0];
            value = value[1..];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return true;
        }
        return false;
    }
}
