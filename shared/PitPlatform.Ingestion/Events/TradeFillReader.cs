using System.Text.Json;
using PitPlatform.Contracts.Events.V1;

namespace PitPlatform.Ingestion.Events;

/// <summary>Reads the payload of an exec.trade_fill event (docs/EVENT_SCHEMA.json, definitions/trade_fill).</summary>
internal static class TradeFillReader
{
    private static readonly HashSet<string> Members = ["instrument", "side", "quantity", "price_micros", "currency", "fee_micros", "fill_id"];

    public static TradeFillEvent? Read(JsonElement payload, string pointer, List<EventError> errors)
    {
        var fields = new JsonFields(payload, pointer);
        fields.NoOtherMembers(Members);
        var instrument = fields.String("instrument", required: true, maxLength: 64);
        var side = fields.String("side", required: true);
        var quantity = fields.Integer("quantity", required: true, min: 1, max: 1_000_000_000_000);
        var price = fields.Integer("price_micros", required: true, min: 0);
        var currency = fields.String("currency", required: true);
        var fee = fields.Integer("fee_micros", required: false, min: 0) ?? 0;
        var fillId = fields.String("fill_id", required: false, maxLength: 128);
        if (instrument is { Length: 0 }) fields.Add("instrument", "'instrument' must not be empty");
        if (side is not null and not ("buy" or "sell")) fields.Add("side", "'side' must be buy or sell");
        if (currency is not null && !(currency.Length == 3 && currency.All(char.IsAsciiLetterUpper)))
            fields.Add("currency", "'currency' must be an ISO 4217 code such as USD");
        errors.AddRange(fields.Errors);
        if (fields.Errors.Count > 0) return null;
        return new TradeFillEvent
        {
            Instrument = instrument,
            Side = side == "buy" ? TradeSide.Buy : TradeSide.Sell,
            Quantity = quantity!.Value,
            PriceMicros = price!.Value,
            Currency = currency,
            FeeMicros = fee,
            FillId = fillId ?? "",
        };
    }
}
