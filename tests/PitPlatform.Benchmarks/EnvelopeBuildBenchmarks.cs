using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;

namespace PitPlatform.Benchmarks;

/// <summary>
/// Issue target: envelope build + serialize + SHA-256 of a 300-byte payload at 500k/s or more on one core.
/// The baselines are the raw costs inside it: serializing the payload and hashing it.
/// </summary>
[MemoryDiagnoser]
public class EnvelopeBuildBenchmarks
{
    private readonly EnvelopeBuilder _builder = new(Samples.Catalog, "pit-ingest/1.0.0");
    private readonly TradeFillEvent _payload = Samples.Payload300();
    private readonly byte[] _payloadBytes = Samples.Payload300().ToByteArray();
    private readonly Guid _id = Guid.NewGuid();
    private readonly DateTimeOffset _ts = DateTimeOffset.UtcNow;

    [Benchmark(Baseline = true, Description = "raw: SHA-256 of 300 bytes")]
    public byte[] Sha256Only() => SHA256.HashData(_payloadBytes);

    [Benchmark(Description = "raw: serialize the 300-byte payload")]
    public byte[] SerializePayloadOnly() => _payload.ToByteArray();

    [Benchmark(Description = "build + serialize envelope (incl. SHA-256)")]
    public byte[] BuildAndSerialize() => _builder.Build(_id, _ts, Samples.Topic, Samples.Key, _payload).ToByteArray();
}
