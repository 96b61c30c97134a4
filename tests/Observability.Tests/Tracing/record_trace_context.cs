using System.Diagnostics;
using System.Text;
using Google.Protobuf;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Telemetry;
using Xunit;

namespace PitPlatform.Observability.Tests.Tracing;

/// <summary>
/// How a consumer reads the context a record was produced under, from its headers or its envelope's bytes.
/// </summary>
public sealed class record_trace_context
{
    private const string Valid = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    /// <summary>
    /// A valid traceparent, then every position changed to each of a few characters, and other shapes.
    /// </summary>
    public static IEnumerable<string> Traceparents()
    {
        yield return Valid;
        yield return Valid[..^2] + "00";
        yield return Valid[..^2] + "ff";
        yield return "00-00000000000000000000000000000000-b7ad6b7169203331-01";
        yield return "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01";
        yield return "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        yield return "01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra";
        yield return Valid + "-";
        yield return Valid[..^1];
        yield return "";
        for (var i = 0; i < Valid.Length; i++)
        {
            foreach (var c in "0aAfFg-z ")
            {
                if (c != Valid[i])
                    yield return Valid[..i] + c + Valid[(i + 1)..];
            }
        }
    }

    [Fact]
    public void the_byte_reader_answers_every_traceparent_as_the_runtime_parser_does()
    {
        foreach (var traceparent in Traceparents())
        {
            var expected = ActivityContext.TryParse(traceparent, null, isRemote: true, out var expectedContext);
            var actual = RecordTraceContext.TryParse(
                Encoding.UTF8.GetBytes(traceparent),
                default,
                out var actualContext
            );
            Assert.True(expected == actual, $"'{traceparent}': runtime {expected}, ours {actual}");
            Assert.True(
                expectedContext == actualContext,
                $"'{traceparent}': runtime {expectedContext.TraceFlags} {expectedContext.IsRemote}, ours "
                    + $"{actualContext.TraceFlags} {actualContext.IsRemote}"
            );
        }
    }

    [Fact]
    public void a_traceparent_with_a_byte_outside_ascii_is_refused()
    {
        // The runtime's parser lets a non-ASCII separator through; the W3C format is ASCII only.
        Assert.False(
            RecordTraceContext.TryParse(
                Encoding.UTF8.GetBytes("00\u00e90af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
                default,
                out _
            )
        );
    }

    [Fact]
    public void a_tracestate_is_kept_beside_the_traceparent()
    {
        Assert.True(
            RecordTraceContext.TryParse(
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"u8,
                "vendor=1"u8,
                out var context
            )
        );
        Assert.Equal("vendor=1", context.TraceState);
        Assert.True(context.IsRemote);
    }

    [Fact]
    public void the_headers_win_over_the_envelope()
    {
        var envelope = new EventEnvelope
        {
            EventId = Guid.NewGuid().ToString(),
            Traceparent = "00-11111111111111111111111111111111-2222222222222222-01",
        };
        var record = Record(envelope.ToByteArray(), [new("traceparent", Encoding.ASCII.GetBytes(Valid))]);
        Assert.True(RecordTraceContext.TryRead(record, out var context));
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", context.TraceId.ToHexString());
    }

    [Fact]
    public void without_headers_the_envelope_fields_are_found_among_the_others()
    {
        var envelope = new EventEnvelope
        {
            EventId = Guid.NewGuid().ToString(),
            Tenant = "demo",
            Payload = ByteString.CopyFrom(new byte[300]),
            Traceparent = Valid,
            Tracestate = "a=b",
        };
        Assert.True(RecordTraceContext.TryRead(Record(envelope.ToByteArray(), []), out var context));
        Assert.Equal("b7ad6b7169203331", context.SpanId.ToHexString());
        Assert.Equal(ActivityTraceFlags.Recorded, context.TraceFlags);
        Assert.Equal("a=b", context.TraceState);
    }

    [Theory]
    [InlineData(new byte[] { 0x62, 0x37 })] // field 12, length 55, but the bytes end
    // a varint that never ends
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0x0B })] // a group start, which no envelope has
    [InlineData(new byte[] { 0x0D, 0x01 })] // a fixed32 cut short
    public void bytes_that_are_no_envelope_have_no_context(byte[] value)
    {
        Assert.False(RecordTraceContext.TryRead(Record(value, []), out var context));
        Assert.Equal(default, context);
    }

    private static ConsumedRecord Record(byte[] value, IReadOnlyList<KeyValuePair<string, byte[]>> headers) =>
        new("pit.v1.exec.trade_fill", 0, 0, null, value, DateTimeOffset.UnixEpoch, headers);
}
