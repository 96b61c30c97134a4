using PitPlatform.Sdk;
using PitPlatform.Sdk.Events;

namespace TradeFillProducer;

/// <summary>
/// The SDK README's quickstart, verbatim between the markers (a test runs it and checks the README quotes it).
/// </summary>
public static class Quickstart
{
    /// <summary>Sends one fill awaited and tracks another; returns the awaited one's status.</summary>
    /// <param name="endpoint">The PIT host.</param>
    /// <param name="apiKey">A key with the ingest scope.</param>
    /// <returns>The status of the awaited fill.</returns>
    public static async Task<string> RunAsync(Uri endpoint, string apiKey)
    {
        // quickstart:begin
        await using var client = new PitIngestionClient(endpoint, apiKey);

        var fill = new TradeFillEvent("alpha", "0001")
        {
            Instrument = "ACME",
            Side = TradeSide.Buy,
            Quantity = 100,
            PriceMicros = 12_500_000, // 12.50 USD in integer micros
            Currency = "USD",
        };

        // Awaited, with a result per event:
        var sent = await client.SendAsync([fill]);
        Console.WriteLine($"{sent.Results[0].EventId}: {sent.Results[0].Status}");

        // Fire and forget: queued, batched and retried in the background; never blocks, never throws.
        client.Track(
            new TradeFillEvent("alpha", "0001")
            {
                Instrument = "ACME",
                Side = TradeSide.Sell,
                Quantity = 40,
                PriceMicros = 13_000_000,
                Currency = "USD",
            }
        );
        await client.FlushAsync(); // optional: DisposeAsync flushes too, within a deadline
        // quickstart:end
        return sent.Results[0].Status.ToString();
    }
}
