using System.Text.Json;

namespace PitPlatform.Sdk.Events;

/// <summary>
/// A fill of an order in one cell (<c>exec.trade_fill</c>). Money is integer micros (1 unit = 1,000,000 micros) with an
/// ISO 4217 currency, never a floating-point number.
/// </summary>
/// <param name="series">The series the cell belongs to.</param>
/// <param name="cell">The cell that traded.</param>
public sealed class TradeFillEvent(string series, string cell) : PitEvent("exec.trade_fill", series, cell)
{
    /// <summary>The instrument traded, 1 to 64 characters.</summary>
    public required string Instrument { get; init; }

    /// <summary>Buy or sell.</summary>
    public required TradeSide Side { get; init; }

    /// <summary>Units filled, 1 to 10^12.</summary>
    public required long Quantity { get; init; }

    /// <summary>Price per unit in micros.</summary>
    public required long PriceMicros { get; init; }

    /// <summary>ISO 4217 code, three upper-case letters.</summary>
    public required string Currency { get; init; }

    /// <summary>Fee in micros (same currency); 0 by default.</summary>
    public long FeeMicros { get; init; }

    /// <summary>The venue's fill id, if any (up to 128 characters).</summary>
    public string? FillId { get; init; }

    /// <inheritdoc />
    protected override void WritePayloadMembers(Utf8JsonWriter writer)
    {
        writer.WriteString("instrument", Instrument);
        writer.WriteString("side", Side == TradeSide.Buy ? "buy" : "sell");
        writer.WriteNumber("quantity", Quantity);
        writer.WriteNumber("price_micros", PriceMicros);
        writer.WriteString("currency", Currency);
        writer.WriteNumber("fee_micros", FeeMicros);
        if (FillId is not null)
            writer.WriteString("fill_id", FillId);
    }
}
