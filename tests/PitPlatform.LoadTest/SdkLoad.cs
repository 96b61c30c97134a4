using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using PitPlatform.LocalHost;
using PitPlatform.Sdk;
using SdkFill = PitPlatform.Sdk.Events.TradeFillEvent;
using SdkSide = PitPlatform.Sdk.Events.TradeSide;

/// <summary>
/// ./pit load sdk [events]: one process's SDK client against the server's own ingest rate, on the same host and broker
/// in the same run.
///   1. raw limit: pre-built 1,000-event JSON bodies POSTed by 32 concurrent HTTP clients (the server's ingest rate);
///   2. the SDK: Track() of fresh TradeFillEvents from one thread (WaitWithTimeout, so nothing is dropped), batches
///      of 1,000, gzip, 8 requests in flight, then FlushAsync: events delivered per second, and the ratio to 1.
/// The issue's target: >= 100,000 events/s, or the server's ingest limit on this machine.
/// </summary>
internal static class SdkLoad
{
    public static async Task<int> RunAsync(PitLocalHost host, int events)
    {
        Console.WriteLine($"host {host.BaseAddress}, {Environment.ProcessorCount} cores, {events:N0} events per phase");
        var server = await ServerRateAsync(host, events);
        Console.WriteLine($"1. server ingest rate (raw HTTP, batches of 1,000, 32 clients): {server:N0} events/s");

        await SdkRateAsync(host, Math.Min(events, 20_000)); // warm-up: JIT, connections
        var (sdk, trackRate, retries) = await SdkRateAsync(host, events);
        Console.WriteLine($"2. SDK, one client: {sdk:N0} events/s delivered = {100.0 * sdk / server:F0}% of the server's rate; Track() alone {trackRate:N0} calls/s; {retries} retries");
        Console.WriteLine($"   target >= 100,000 events/s or the server's limit: {(sdk >= 100_000 ? "met (>= 100k/s)" : $"{sdk / server:P0} of the server's limit")}");
        return 0;
    }

    private static async Task<double> ServerRateAsync(PitLocalHost host, int events)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.DevKey.ToString());
        const int batch = 1000;
        var bodies = Enumerable.Range(0, 50).Select(_ => Encoding.UTF8.GetBytes("{\"data\":[" + string.Join(",", Enumerable.Range(0, batch).Select(i =>
            $"{{\"type\":\"exec.trade_fill\",\"event_id\":\"{Guid.CreateVersion7()}\",\"ts\":\"2026-11-22T09:30:00Z\",\"series\":\"alpha\",\"cell\":\"c{i % 50}\"," +
            "\"payload\":{\"instrument\":\"ACME\",\"side\":\"buy\",\"quantity\":100,\"price_micros\":12500000,\"currency\":\"USD\",\"fee_micros\":1000}}")) + "]}")).ToList();
        await PostAsync(http, bodies[0]);
        var requests = events / batch;
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests) await PostAsync(http, bodies[i % bodies.Count]);
        }));
        return requests * batch / watch.Elapsed.TotalSeconds;
    }

    private static async Task PostAsync(HttpClient http, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync("/v1/events", content);
        if ((int)response.StatusCode != 202) throw new InvalidOperationException($"ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<(double Delivered, double Tracked, long Retries)> SdkRateAsync(PitLocalHost host, int events)
    {
        await using var client = new PitIngestionClient(host.BaseAddress, host.DevKey.ToString(), new PitIngestionClientOptions
        {
            MaxQueueSize = 1 << 17,
            OverflowPolicy = QueueOverflowPolicy.WaitWithTimeout,
            OverflowWaitTimeout = TimeSpan.FromSeconds(30),
            MaxBatchEvents = 1000,
            MaxConcurrentSends = 8,
            FlushInterval = TimeSpan.FromMilliseconds(50),
        });
        var watch = Stopwatch.StartNew();
        var trackTime = TimeSpan.Zero;
        for (var i = 0; i < events; i++)
        {
            var fill = new SdkFill("alpha", "c" + (i % 50).ToString(CultureInfo.InvariantCulture))
            {
                Instrument = "ACME", Side = SdkSide.Buy, Quantity = 100, PriceMicros = 12_500_000, Currency = "USD", FeeMicros = 1000,
                Timestamp = DateTimeOffset.UtcNow,
            };
            var started = Stopwatch.GetTimestamp();
            if (!client.Track(fill)) throw new InvalidOperationException("Track dropped an event: the queue stayed full for 30 s");
            trackTime += Stopwatch.GetElapsedTime(started);
        }
        await client.FlushAsync();
        var elapsed = watch.Elapsed;
        var counters = client.GetCounters();
        if (counters.Delivered != events) throw new InvalidOperationException($"delivered {counters.Delivered} of {events} (rejected {counters.Rejected}, dropped {counters.Dropped})");
        return (events / elapsed.TotalSeconds, events / trackTime.TotalSeconds, counters.Retries);
    }
}
