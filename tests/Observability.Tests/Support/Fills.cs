namespace PitPlatform.Observability.Tests.Support;

internal static class Fills
{
    /// <summary>An ingest body with one trade fill of <paramref name="series"/>, cell 0001.</summary>
    public static string One(string series, Guid? eventId = null) =>
        $$$"""
            {"data":[{"type":"exec.trade_fill","event_id":"{{{eventId
                ?? Guid.NewGuid()}}}","ts":"2026-11-22T09:30:00Z","series":"{{{series}}}","cell":"0001",
              "payload":{"instrument":"ACME","side":"buy","quantity":100,"price_micros":12500000,"currency":"USD","fee_micros":1000000}}]}
            """;

    public static string NewSeries(string prefix) => (prefix + Guid.NewGuid().ToString("N"))[..16];
}
