using PitPlatform.Contracts;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Keys;

namespace PitPlatform.Processing.Nav;

/// <summary>A consumed trade fill whose envelope and payload passed every check.</summary>
internal sealed record TradeFillRecord(
    ConsumedRecord Record,
    EventEnvelope Envelope,
    Guid EventId,
    CanonicalKey Key,
    TradeFillEvent Fill
)
{
    /// <summary>
    /// The fill's cell, made once: batches group, lock and look books up by it several times per fill.
    /// </summary>
    public CellId Cell { get; } = new(Key.Tenant!, Key.Series!, Key.Cell!);

    /// <summary>Null when the fill is well-formed, else what is wrong with it.</summary>
    public static string? Check(TradeFillEvent fill) =>
        fill.Instrument.Length == 0 ? "instrument is empty"
        : fill.Side is not (TradeSide.Buy or TradeSide.Sell) ? "side is unspecified"
        : fill.Quantity <= 0 ? "quantity must be positive"
        : fill.PriceMicros < 0 ? "price_micros is negative"
        : fill.FeeMicros < 0 ? "fee_micros is negative"
        : !Money.IsCurrencyCode(fill.Currency) ? "currency is not an ISO 4217 code"
        : null;
}

/// <summary>A cell, the unit of NAV state and of ordering.</summary>
internal readonly record struct CellId(string Tenant, string Series, string Cell)
{
    public override string ToString() => $"t/{Tenant}/s/{Series}/c/{Cell}";
}
