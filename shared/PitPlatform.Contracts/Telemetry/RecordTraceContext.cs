using System.Diagnostics;
using System.Text;
using Google.Protobuf;
using PitPlatform.Contracts.Consuming;

namespace PitPlatform.Contracts.Telemetry;

/// <summary>
/// The W3C trace context a record was produced under: its <c>traceparent</c> and <c>tracestate</c> Kafka headers when
/// the host handed headers over, else the envelope's own fields, read without parsing the rest of the envelope (the
/// local host does not decode headers for handlers that do not read them). Called only while spans are recorded.
/// </summary>
public static class RecordTraceContext
{
    private const int TraceparentField = 12;
    private const int TracestateField = 13;

    public static bool TryRead(ConsumedRecord record, out ActivityContext context)
    {
        context = default;
        if (record.IsTombstone) return false;
        string? traceparent = null, tracestate = null;
        foreach (var (name, value) in record.Headers)
        {
            if (name == "traceparent") traceparent = Encoding.ASCII.GetString(value);
            else if (name == "tracestate") tracestate = Encoding.ASCII.GetString(value);
        }
        if (traceparent is null) (traceparent, tracestate) = FromEnvelope(record.Value);
        return traceparent is { Length: > 0 } && ActivityContext.TryParse(traceparent, tracestate, isRemote: true, out context);
    }

    /// <summary>The envelope's traceparent and tracestate fields; nulls when the bytes are no envelope.</summary>
    private static (string? Traceparent, string? Tracestate) FromEnvelope(byte[] value)
    {
        string? traceparent = null, tracestate = null;
        try
        {
            var input = new CodedInputStream(value);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case TraceparentField when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                        traceparent = input.ReadString();
                        break;
                    case TracestateField when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                        tracestate = input.ReadString();
                        break;
                    default:
                        input.SkipLastField();
                        break;
                }
            }
        }
        catch (InvalidProtocolBufferException)
        {
            // A poison record: the consumer dead-letters it; its span simply starts a trace of its own.
        }
        return (traceparent, tracestate);
    }
}
