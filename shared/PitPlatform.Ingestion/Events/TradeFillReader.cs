using System.Text.Json;
using PitPlatform.Contracts.Events.V1;

namespace PitPlatform.Ingestion.Events;

/// <summary>Maps the payload of an exec.trade_fill event that passed the schema onto its protobuf message.</summary>
internal static class TradeFillReader
{
    public static TradeFillEvent Read(JsonElement payload) =>
        new()
        {
            Instrument = payload.GetProperty("instrument").GetString(),
            Side = payload.GetProperty("side").GetString() == "buy" ? TradeSide.Buy : TradeSide.Sell,
            Quantity = payload.GetProperty("quantity").GetInt64(),
            PriceMicros = payload.GetProperty("price_micros").GetInt64(),
            Currency = payload.GetProperty("currency").GetString(),
            FeeMicros = payload.TryGetProperty("fee_micros", out var fee) ? fee.GetInt64() : 0,
            FillId = payload.TryGetProperty("fill_id", out var fillId) ? fillId.GetString() : "",
        };
}
