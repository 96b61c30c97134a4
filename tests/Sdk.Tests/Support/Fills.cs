using PitPlatform.Sdk.Events;

namespace PitPlatform.Sdk.Tests.Support;

/// <summary>Trade fills for the tests: valid by default, spread over cells.</summary>
internal static class Fills
{
    public static TradeFillEvent Buy(
        string cell = "0001",
        long quantity = 100,
        long priceMicros = 12_500_000,
        string series = "alpha"
    ) =>
        new(series, cell)
        {
            Instrument = "ACME",
            Side = TradeSide.Buy,
            Quantity = quantity,
            PriceMicros = priceMicros,
            Currency = "USD",
            Timestamp = DateTimeOffset.UtcNow,
        };

    public static List<TradeFillEvent> Many(int count, int cells = 5) =>
        Enumerable.Range(0, count).Select(i => Buy(cell: $"c{i % cells}", quantity: 1 + i % 7)).ToList();
}
