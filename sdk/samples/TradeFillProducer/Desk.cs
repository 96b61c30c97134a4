using PitPlatform.Sdk.Events;

namespace TradeFillProducer;

/// <summary>
/// A small trading desk: a few instruments whose prices random-walk in whole cents, and cells (strategies) that buy
/// and sell them, never selling more than they hold. Prices are integer micros, as everywhere in PIT.
/// </summary>
internal sealed class Desk(int seed, string series, IReadOnlyList<string> cells)
{
    private static readonly (string Instrument, long StartMicros)[] Instruments =
    [
        ("ACME", 12_500_000),
        ("GLOBX", 48_200_000),
        ("INITECH", 3_150_000),
        ("UMBRL", 101_750_000),
    ];

    private readonly Random _random = new(seed);
    private readonly long[] _prices = Instruments.Select(i => i.StartMicros).ToArray();
    private readonly Dictionary<(string Cell, string Instrument), long> _held = [];
    private int _fills;

    public TradeFillEvent NextFill(DateTimeOffset at)
    {
        var i = _random.Next(Instruments.Length);
        // A step of -5 to +5 cents, never below one cent.
        _prices[i] = Math.Max(10_000, _prices[i] + (_random.Next(11) - 5) * 10_000);
        var cell = cells[_random.Next(cells.Count)];
        var instrument = Instruments[i].Instrument;
        var held = _held.GetValueOrDefault((cell, instrument));
        var sell = held > 0 && _random.Next(3) == 0;
        var quantity = sell ? 1 + _random.NextInt64(held) : 10 * (1 + _random.Next(20));
        _held[(cell, instrument)] = held + (sell ? -quantity : quantity);
        return new TradeFillEvent(series, cell)
        {
            Instrument = instrument,
            Side = sell ? TradeSide.Sell : TradeSide.Buy,
            Quantity = quantity,
            PriceMicros = _prices[i],
            Currency = "USD",
            FeeMicros = 1_000 + quantity * 50, // $0.001 per fill plus $0.00005 per unit
            FillId = $"F-{seed}-{++_fills}",
            Timestamp = at,
        };
    }
}
