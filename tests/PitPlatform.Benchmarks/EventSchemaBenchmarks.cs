using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using PitPlatform.Contracts.Schema;

namespace PitPlatform.Benchmarks;

/// <summary>
/// Schema validation of one ingestion event: the compiled validator against NJsonSchema (the general-purpose
/// validator it is checked against) and against JsonDocument.Parse alone, the floor for any validator of JSON text.
/// </summary>
[MemoryDiagnoser]
public class EventSchemaBenchmarks
{
    private readonly byte[] _utf8 = Encoding.UTF8.GetBytes(Samples.IngestEvent);
    private NJsonSchema.JsonSchema _reference = null!;

    [GlobalSetup]
    public void Setup()
    {
        _reference = NJsonSchema.JsonSchema.FromJsonAsync(EventSchema.Embedded.Text).GetAwaiter().GetResult();
        using var document = JsonDocument.Parse(_utf8);
        if (!EventSchema.Embedded.IsValid(document.RootElement) || _reference.Validate(Samples.IngestEvent).Count != 0)
            throw new InvalidOperationException("sample event is invalid");
    }

    [Benchmark(Baseline = true, Description = "raw: JsonDocument.Parse")]
    public int ParseOnly()
    {
        using var document = JsonDocument.Parse(_utf8);
        return document.RootElement.GetArrayLengthOrZero();
    }

    [Benchmark(Description = "parse + compiled schema validation")]
    public int ParseAndValidate()
    {
        using var document = JsonDocument.Parse(_utf8);
        return EventSchema.Embedded.Validate(document.RootElement, "/data/0").Count;
    }

    [Benchmark(Description = "NJsonSchema Validate(string)")]
    public int NJsonSchemaValidate() => _reference.Validate(Samples.IngestEvent).Count;
}

internal static class JsonElementExtensions
{
    public static int GetArrayLengthOrZero(this JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.GetArrayLength() : 0;
}
