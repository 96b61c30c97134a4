using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;

namespace PitPlatform.Benchmarks;

/// <summary>
/// Issue target: validation of a parsed envelope at 1M/s or more on one core. The baseline is the SHA-256 check the
/// validation must do anyway; parsing is measured beside it for consumers that start from bytes.
/// </summary>
[MemoryDiagnoser]
public class EnvelopeValidationBenchmarks
{
    private readonly EnvelopeValidator _validator = new(Samples.Catalog);
    private EventEnvelope _envelope = null!;
    private byte[] _bytes = null!;
    private byte[] _recordKey = null!;

    [GlobalSetup]
    public void Setup()
    {
        _envelope = new EnvelopeBuilder(Samples.Catalog, "pit-ingest/1.0.0").Build(
            Guid.NewGuid(),
            DateTimeOffset.UtcNow,
            Samples.Topic,
            Samples.Key,
            Samples.Payload300()
        );
        _bytes = _envelope.ToByteArray();
        _recordKey = Encoding.UTF8.GetBytes(_envelope.Key);
        if (!_validator.Validate(_envelope, _recordKey, Samples.Topic).IsValid)
            throw new InvalidOperationException("sample envelope is invalid");
    }

    [Benchmark(Baseline = true, Description = "raw: SHA-256 of the payload")]
    public byte[] PayloadHashOnly() => SHA256.HashData(_envelope.Payload.Span);

    [Benchmark(Description = "validate a parsed envelope")]
    public bool ValidateParsed() => _validator.Validate(_envelope, _recordKey, Samples.Topic).IsValid;

    [Benchmark(Description = "parse + validate envelope bytes")]
    public bool ParseAndValidate() => _validator.Validate(_bytes, _recordKey, Samples.Topic).IsValid;
}
