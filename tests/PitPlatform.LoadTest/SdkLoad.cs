using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using PitPlatform.LocalHost;
using PitPlatform.Sdk;
using SdkFill = PitPlatform.Sdk.Events.TradeFillEvent;
using SdkSide = PitPlatform.Sdk.Events.TradeSide;

/// <summary>
/// ./pit load sdk [events]: one process's SDK client against the server's own ingest rate, on the same host and broker
/// in the same run.
///   1. raw limit: pre-built 1,000-event JSON bodies, gzip-compressed as the SDK sends them (the server inflates every
///      request), POSTed by as many concurrent HTTP clients as the SDK keeps requests in flight, or by 32 if that is
///      faster (the server's ingest rate for the SDK's requests); uncompressed bodies from 32 clients for reference;
///   2. the SDK: Track() of fresh TradeFillEvents from one thread (WaitWithTimeout, so nothing is dropped), batches
///      of 1,000, gzip, 8 requests in flight, then FlushAsync: events delivered per second, and the ratio to 1;
///   3. the Python and TypeScript SDKs the same way, each in its own process (LanguageSdkLoad).
/// The issue's target: >= 100,000 events/s, or the server's ingest limit on this machine.
/// </summary>
internal static class SdkLoad
{
    public static async Task<int> RunAsync(PitLocalHost host, int events)
    {
        Console.WriteLine($"host {host.BaseAddress}, {Environment.ProcessorCount} cores, {events:N0} events per phase");
        var (atSdkConcurrency, cpuAtSdkConcurrency) = await ServerRateAsync(host, events, ConcurrentSends, gzip: true);
        var (at32, cpuAt32) = await ServerRateAsync(host, events, 32, gzip: true);
        var (plain, _) = await ServerRateAsync(host, events, 32, gzip: false);
        var server = Math.Max(atSdkConcurrency, at32);
        var serverCpuPerEvent = atSdkConcurrency >= at32 ? cpuAtSdkConcurrency : cpuAt32;
        Console.WriteLine(
            $"1. server ingest rate (raw HTTP, gzip bodies of 1,000 events): {server:N0} events/s, the best "
                + $"of {atSdkConcurrency:N0} with "
                + $"{ConcurrentSends} clients and {at32:N0} with 32; uncompressed bodies, 32 clients: {plain:N0}"
        );

        await SdkRateAsync(host, Math.Min(events, 20_000)); // warm-up: JIT, connections
        var (sdk, trackRate, retries) = await SdkRateAsync(host, events);
        Console.WriteLine(
            $"2. SDK, one client: {sdk:N0} events/s delivered = {100.0 * sdk / server:F0}% of the server's "
                + $"rate; Track() alone {trackRate:N0} calls/s; {retries} retries"
        );
        Console.WriteLine(
            "   target >= 100,000 events/s or the server's limit: "
                + $"{(sdk >= 100_000 ? "met (>= 100k/s)" : $"{sdk / server:P0} of the server's limit")}"
        );
        Console.WriteLine(
            $"   the host's CPU per event at that rate: {serverCpuPerEvent.TotalMicroseconds:F1} us (this "
                + "process; the raw client's share is small)"
        );
        await LanguageSdkLoad.RunAsync(host, events, server, serverCpuPerEvent);
        return 0;
    }

    /// <summary>Requests the SDK keeps in flight in this test, and so the raw side's concurrency.</summary>
    private const int ConcurrentSends = 8;

    /// <summary>
    /// The host's rate for pre-built bodies from <paramref name="clients"/> connections, and this process's CPU per
    /// event.
    /// </summary>
    private static async Task<(double Rate, TimeSpan CpuPerEvent)> ServerRateAsync(
        PitLocalHost host,
        int events,
        int clients,
        bool gzip
    )
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 })
        {
            BaseAddress = host.BaseAddress,
            Timeout = TimeSpan.FromMinutes(2),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.DevKey.ToString());
        const int batch = 1000;
        var bodies = Enumerable
            .Range(0, 50)
            .Select(_ =>
                Encoding.UTF8.GetBytes(
                    "{\"data\":["
                        + string.Join(
                            ",",
                            Enumerable
                                .Range(0, batch)
                                .Select(i =>
                                    $"{{\"type\":\"exec.trade_fill\",\"event_id\":\"{Guid.CreateVersion7()}\""
                                    + ",\"ts\":\"2026-11-22T09:30:00Z\",\"series\":\"alpha\",\"cell\":\"c"
                                    + $"{i % 50}\","
                                    + "\"payload\":{\"instrument\":\"ACME\",\"side\":\"buy\",\"quantity\":100,"
                                    + "\"price_micros\":12500000,\"currency\":\"USD\",\"fee_micros\":1000}}"
                                )
                        )
                        + "]}"
                )
            )
            .Select(b => gzip ? Gzip(b) : b)
            .ToList();
        // Every client's connection is open before the clock starts: each rate gets a new HttpClient.
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => PostAsync(http, bodies[0], gzip)));
        var requests = events / batch;
        var next = -1;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(
            Enumerable
                .Range(0, clients)
                .Select(async _ =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < requests)
                        await PostAsync(http, bodies[i % bodies.Count], gzip);
                })
        );
        var elapsed = watch.Elapsed;
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return (requests * batch / elapsed.TotalSeconds, used / (requests * batch));
    }

    /// <summary>As the SDK compresses a request body (CompressionLevel.Fastest).</summary>
    private static byte[] Gzip(byte[] body)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(body);
        return output.ToArray();
    }

    private static async Task PostAsync(HttpClient http, byte[] body, bool gzip)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (gzip)
            content.Headers.ContentEncoding.Add("gzip");
        using var response = await http.PostAsync("/v1/events", content);
        if ((int)response.StatusCode != 202)
            throw new InvalidOperationException(
                $"ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}"
            );
    }

    private static async Task<(double Delivered, double Tracked, long Retries)> SdkRateAsync(
        PitLocalHost host,
        int events
    )
    {
        await using var client = new PitIngestionClient(
            host.BaseAddress,
            host.DevKey.ToString(),
            new PitIngestionClientOptions
            {
                MaxQueueSize = 1 << 17,
                OverflowPolicy = QueueOverflowPolicy.WaitWithTimeout,
                OverflowWaitTimeout = TimeSpan.FromSeconds(30),
                MaxBatchEvents = 1000,
                MaxConcurrentSends = ConcurrentSends,
                FlushInterval = TimeSpan.FromMilliseconds(50),
            }
        );
        var watch = Stopwatch.StartNew();
        var trackTime = TimeSpan.Zero;
        for (var i = 0; i < events; i++)
        {
            var fill = new SdkFill("alpha", "c" + (i % 50).ToString(CultureInfo.InvariantCulture))
            {
                Instrument = "ACME",
                Side = SdkSide.Buy,
                Quantity = 100,
                PriceMicros = 12_500_000,
                Currency = "USD",
                FeeMicros = 1000,
                Timestamp = DateTimeOffset.UtcNow,
            };
            var started = Stopwatch.GetTimestamp();
            if (!client.Track(fill))
                throw new InvalidOperationException("Track dropped an event: the queue stayed full for 30 s");
            trackTime += Stopwatch.GetElapsedTime(started);
        }
        await client.FlushAsync();
        var elapsed = watch.Elapsed;
        var counters = client.GetCounters();
        if (counters.Delivered != events)
            throw new InvalidOperationException(
                $"delivered {counters.Delivered} of {events} (rejected {counters.Rejected}, dropped {counters.Dropped})"
            );
        return (events / elapsed.TotalSeconds, events / trackTime.TotalSeconds, counters.Retries);
    }
}
