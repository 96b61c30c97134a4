using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Keys;

namespace PitPlatform.Benchmarks;

/// <summary>Inputs shared by the benchmarks.</summary>
internal static class Samples
{
    public const string Topic = "pit.v1.exec.trade_fill";
    public static readonly CanonicalKey Key = CanonicalKey.ForCell("demo", "alpha", "0001");
    public static readonly TopicCatalog Catalog = TopicCatalog.Embedded;

    /// <summary>A trade fill whose protobuf encoding is 300 bytes.</summary>
    public static TradeFillEvent Payload300()
    {
        var fill = new TradeFillEvent
        {
            Instrument = "ACME",
            Side = TradeSide.Buy,
            Quantity = 100,
            PriceMicros = 12_500_000,
            Currency = "USD",
            FeeMicros = 1_000,
        };
        fill.FillId = new string('f', 300 - fill.CalculateSize() - 3);
        if (fill.CalculateSize() != 300)
            throw new InvalidOperationException($"payload is {fill.CalculateSize()} bytes");
        return fill;
    }

    public const string IngestEvent =
        """{"type":"exec.trade_fill","event_id":"0192f1c4-8a3b-7c1d-9e2f-3a4b5c6d7e8f","ts":"2026-11-22T09:30:00Z","series":"alpha","cell":"0001","payload":{"instrument":"ACME","side":"buy","quantity":100,"price_micros":12500000,"currency":"USD","fee_micros":0}}""";
}
