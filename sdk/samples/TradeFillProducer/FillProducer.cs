using PitPlatform.Sdk;

namespace TradeFillProducer;

/// <summary>
/// Tracks <c>fills</c> fills for four cells of series <c>desk</c>, flushes, and prints what was delivered.
/// </summary>
public static class FillProducer
{
    /// <summary>Runs the producer; returns 0 when every fill was delivered.</summary>
    /// <param name="endpoint">The PIT host.</param>
    /// <param name="apiKey">A key with the ingest scope.</param>
    /// <param name="fills">How many fills to send.</param>
    /// <param name="output">Where to print progress.</param>
    /// <param name="cancellationToken">Stops early.</param>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync(
        Uri endpoint,
        string apiKey,
        int fills,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        var rejected = 0;
        await using var client = new PitIngestionClient(
            endpoint,
            apiKey,
            new PitIngestionClientOptions
            {
                // The application learns about every fill that will never be stored.
                OnRejected = r =>
                {
                    Interlocked.Increment(ref rejected);
                    output.WriteLine(
                        $"rejected {r.Event.EventId}: {r.Error.Code} {r.Error.Message} at {r.Error.Pointer}"
                    );
                },
            }
        );
        var desk = new Desk(seed: 7, series: "desk", cells: ["0001", "0002", "0003", "0004"]);
        var start = DateTimeOffset.UtcNow;
        for (var i = 0; i < fills && !cancellationToken.IsCancellationRequested; i++)
            client.Track(desk.NextFill(start.AddMilliseconds(i))); // never blocks, never throws
        await client.FlushAsync(cancellationToken);

        var counters = client.GetCounters();
        output.WriteLine(
            $"tracked {counters.Tracked}, delivered {counters.Delivered}, rejected {counters.Rejected}, "
                + $"dropped {counters.Dropped}, retries {counters.Retries}"
        );
        output.WriteLine($"NAV: {endpoint.ToString().TrimEnd('/')}/v1/series/desk/nav?cell=0001");
        return counters.Delivered == fills && rejected == 0 ? 0 : 1;
    }
}
