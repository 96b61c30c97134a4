using System.Text;

namespace PitPlatform.Infrastructure.Kafka;

/// <summary>
/// The W3C trace context headers of a batch's records, encoded once per distinct value rather than once per record: an
/// ingest request's envelopes to a topic all carry its one send span's context. librdkafka copies header values when a
/// record is produced, so the records of a batch can share the bytes.
/// </summary>
internal struct TraceHeaders
{
    private string? _traceparent;
    private byte[]? _traceparentBytes;
    private string? _tracestate;
    private byte[]? _tracestateBytes;

    public void AddTo(Confluent.Kafka.Headers headers, string traceparent, string tracestate)
    {
        // W3C trace context (https://www.w3.org/TR/trace-context/), as OpenTelemetry's Kafka instrumentations read it.
        if (traceparent.Length > 0)
            headers.Add("traceparent", Encoded(traceparent, ref _traceparent, ref _traceparentBytes));
        if (tracestate.Length > 0)
            headers.Add("tracestate", Encoded(tracestate, ref _tracestate, ref _tracestateBytes));
    }

    private static byte[] Encoded(string value, ref string? last, ref byte[]? lastBytes)
    {
        if (lastBytes is null || !string.Equals(value, last, StringComparison.Ordinal))
        {
            last = value;
            lastBytes = Encoding.UTF8.GetBytes(value);
        }
        return lastBytes;
    }
}
