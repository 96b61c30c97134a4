using System.Text.Json;

namespace PitPlatform.EndToEnd.Tests;

/// <summary>Request bodies for POST /v1/events.</summary>
internal static class TradeFills
{
    public static string Body(
        Guid eventId,
        string side = "buy",
        long quantity = 100,
        long priceMicros = 12_500_000,
        long feeMicros = 0,
        string series = "alpha",
        string cell = "0001",
        string ts = "2026-11-22T09:30:00Z"
    ) =>
        JsonSerializer.Serialize(
            new
            {
                data = new[]
                {
                    new
                    {
                        type = "exec.trade_fill",
                        event_id = eventId,
                        ts,
                        series,
                        cell,
                        payload = new
                        {
                            instrument = "ACME",
                            side,
                            quantity,
                            price_micros = priceMicros,
                            currency = "USD",
                            fee_micros = feeMicros,
                        },
                    },
                },
            }
        );
}
