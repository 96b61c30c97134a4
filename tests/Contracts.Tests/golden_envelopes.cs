using System.Globalization;
using System.Reflection;
using Google.Protobuf;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Keys;
using Xunit;

namespace PitPlatform.Contracts.Tests;

/// <summary>
/// Envelope bytes kept as test data. Today's builder must reproduce them byte for byte, and protoc (a non-.NET
/// reader) must decode them into the same fields, so consumers in other languages see what we meant.
/// </summary>
public sealed class golden_envelopes
{
    private static readonly string GoldenFile = Path.Combine(
        RepositoryFiles.Root,
        "tests",
        "Contracts.Tests",
        "Golden",
        "trade_fill.envelope.bin"
    );

    private static EventEnvelope Build() =>
        new EnvelopeBuilder(TopicCatalog.Embedded, "pit-ingest/1.0.0").Build(
            Guid.Parse("0192f1c4-8a3b-7c1d-9e2f-3a4b5c6d7e8f"),
            DateTimeOffset.Parse("2026-11-22T09:30:00Z", CultureInfo.InvariantCulture),
            "pit.v1.exec.trade_fill",
            CanonicalKey.ForCell("demo", "alpha", "0001"),
            new TradeFillEvent
            {
                Instrument = "ACME",
                Side = TradeSide.Buy,
                Quantity = 100,
                PriceMicros = 12_500_000,
                Currency = "USD",
                FillId = "F-1",
            },
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        );

    [Fact]
    public void the_builder_reproduces_the_golden_bytes()
    {
        if (Environment.GetEnvironmentVariable("PIT_WRITE_GOLDEN") == "1")
            File.WriteAllBytes(GoldenFile, Build().ToByteArray());
        Assert.Equal(File.ReadAllBytes(GoldenFile), Build().ToByteArray());
    }

    [Fact]
    public async Task protoc_decodes_the_golden_envelope_into_the_same_fields()
    {
        var text = await Decode("pit.envelope.v1.EventEnvelope", File.ReadAllBytes(GoldenFile));

        foreach (
            var line in new[]
            {
                "event_id: \"0192f1c4-8a3b-7c1d-9e2f-3a4b5c6d7e8f\"",
                "seconds: 1795339800",
                "producer: \"pit-ingest/1.0.0\"",
                "topic: \"pit.v1.exec.trade_fill\"",
                "key: \"t/demo/s/alpha/c/0001\"",
                "tenant: \"demo\"",
                "series: \"alpha\"",
                "cell: \"0001\"",
                "payload_type: \"pit.events.v1.TradeFillEvent\"",
                "traceparent: \"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"",
            }
        )
            Assert.Contains(line, text);
    }

    [Fact]
    public async Task protoc_decodes_the_golden_payload_into_the_same_fill()
    {
        var envelope = EventEnvelope.Parser.ParseFrom(File.ReadAllBytes(GoldenFile));

        var text = await Decode("pit.events.v1.TradeFillEvent", envelope.Payload.ToByteArray());

        Assert.Equal(
            [
                "instrument: \"ACME\"",
                "side: TRADE_SIDE_BUY",
                "quantity: 100",
                "price_micros: 12500000",
                "currency: \"USD\"",
                "fill_id: \"F-1\"",
            ],
            text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        );
    }

    private static async Task<string> Decode(string type, byte[] bytes)
    {
        var root = typeof(golden_envelopes)
            .Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "GrpcToolsRoot")
            .Value!;
        var platform =
            OperatingSystem.IsWindows() ? "windows_x64"
            : OperatingSystem.IsMacOS() ? "macosx_universal"
            : "linux_x64";
        var protoc = Path.Combine(root, "tools", platform, OperatingSystem.IsWindows() ? "protoc.exe" : "protoc");
        var include = Path.Combine(root, "build", "native", "include");
        var (exit, output) = await Tool.RunAsync(
            protoc,
            [
                "-I",
                RepositoryFiles.Protos,
                "-I",
                include,
                $"--decode={type}",
                "pit/envelope/v1/envelope.proto",
                "pit/events/v1/exec.proto",
            ],
            RepositoryFiles.Protos,
            bytes
        );
        Assert.True(exit == 0, output);
        return output;
    }
}
