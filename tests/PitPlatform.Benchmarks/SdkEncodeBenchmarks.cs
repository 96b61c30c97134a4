using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using PitPlatform.Sdk.Events;
using PitPlatform.Sdk.Schema;
using PitPlatform.Sdk.Transport;

namespace PitPlatform.Benchmarks;

/// <summary>
/// The background sender's work per event: write it as JSON and validate it against the embedded schema, beside the
/// raw floor of writing the same event with Utf8JsonWriter alone and of gzip-compressing a 500-event body.
/// </summary>
[MemoryDiagnoser]
public class SdkEncodeBenchmarks
{
    private readonly EventEncoder _encoder = new(EventSchemaValidator.Embedded);
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly TradeFillEvent _fill = new("alpha", "0001")
    {
        Instrument = "ACME",
        Side = TradeSide.Buy,
        Quantity = 100,
        PriceMicros = 12_500_000,
        Currency = "USD",
        Timestamp = DateTimeOffset.UtcNow,
    };
    private List<EncodedEvent> _batch = null!;

    [GlobalSetup]
    public void Setup() =>
        _batch = Enumerable.Range(0, 500).Select(_ => _encoder.Encode(_fill, "", out var _)!).ToList();

    [Benchmark(Baseline = true, Description = "raw: write the event with Utf8JsonWriter")]
    public int WriteOnly()
    {
        _buffer.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_buffer);
        _fill.WriteTo(writer);
        writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "SDK: write + validate one event")]
    public int WriteAndValidate() => _encoder.Encode(_fill, "", out _)!.Json.Length;

    [Benchmark(OperationsPerInvoke = 500, Description = "SDK: 500-event body, gzip (per event)")]
    public int GzipBody() => RequestBody.Build(_batch, gzip: true).Count;
}
