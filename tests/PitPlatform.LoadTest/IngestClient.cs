using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PitPlatform.Sdk;
using SdkFill = PitPlatform.Sdk.Events.TradeFillEvent;
using SdkSide = PitPlatform.Sdk.Events.TradeSide;

/// <summary>
/// The .NET load clients of <c>./pit load sdk</c>, each run as a process of its own (this program with
/// <c>ingest-client raw|csharp</c>) against PIT_URL with PIT_API_KEY, PIT_EVENTS events, printing the one JSON line
/// every client prints (<see cref="ClientOutcome"/>):
///   raw [clients] [gzip|plain]: the bare client. Pre-built 1,000-event JSON bodies, gzip-compressed as the SDKs send
///     them, POSTed by [clients] connections opened before the clock starts: the server's own ingest rate;
///   csharp: the C# SDK. Track() of fresh TradeFillEvents from one thread (WaitWithTimeout, so nothing is dropped),
///     batches of 1,000, gzip, 8 requests in flight, then FlushAsync.
/// </summary>
internal static class IngestClient
{
    /// <summary>Requests every SDK keeps in flight in this run.</summary>
    public const int ConcurrentSends = 8;

    private const int Batch = 1000;

    public static async Task<int> RunAsync(string[] args)
    {
        var url = new Uri(Required("PIT_URL"));
        var key = Required("PIT_API_KEY");
        var events = int.Parse(Required("PIT_EVENTS"), CultureInfo.InvariantCulture);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var outcome = args[0] switch
        {
            "raw" => await RawAsync(
                url,
                key,
                events,
                args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : ConcurrentSends,
                gzip: args.Length < 3 || args[2] != "plain"
            ),
            "csharp" => await SdkAsync(url, key, events),
            _ => throw new ArgumentException($"unknown client '{args[0]}': raw or csharp"),
        };
        outcome = outcome with { CpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds };
        Console.WriteLine(JsonSerializer.Serialize(outcome, ClientOutcome.Json));
        return outcome.Delivered == events ? 0 : 1;
    }

    private static async Task<ClientOutcome> RawAsync(Uri url, string key, int events, int clients, bool gzip)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 })
        {
            BaseAddress = url,
            Timeout = TimeSpan.FromMinutes(2),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var bodies = Enumerable.Range(0, 50).Select(_ => Body()).Select(b => gzip ? Gzip(b) : b).ToList();
        // Every connection is open before the clock starts.
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => PostAsync(http, bodies[0], gzip)));
        var requests = events / Batch;
        var next = -1;
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
        var name = $"raw, {clients} connections, {(gzip ? "gzip" : "plain")}";
        return new ClientOutcome(name, events, watch.Elapsed.TotalSeconds, requests * Batch, 0, 0, 0, 0);
    }

    private static byte[] Body() =>
        Encoding.UTF8.GetBytes(
            "{\"data\":["
                + string.Join(
                    ",",
                    Enumerable
                        .Range(0, Batch)
                        .Select(i =>
                            $"{{\"type\":\"exec.trade_fill\",\"event_id\":\"{Guid.CreateVersion7()}\""
                            + ",\"ts\":\"2026-11-22T09:30:00Z\",\"series\":\"alpha\",\"cell\":\"c"
                            + $"{i % 50}\","
                            + "\"payload\":{\"instrument\":\"ACME\",\"side\":\"buy\",\"quantity\":100,"
                            + "\"price_micros\":12500000,\"currency\":\"USD\",\"fee_micros\":1000}}"
                        )
                )
                + "]}"
        );

    /// <summary>As the SDKs compress a request body (the fastest level).</summary>
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

    private static async Task<ClientOutcome> SdkAsync(Uri url, string key, int events)
    {
        await using var client = new PitIngestionClient(
            url,
            key,
            new PitIngestionClientOptions
            {
                MaxQueueSize = 1 << 17,
                OverflowPolicy = QueueOverflowPolicy.WaitWithTimeout,
                OverflowWaitTimeout = TimeSpan.FromSeconds(30),
                MaxBatchEvents = Batch,
                MaxConcurrentSends = ConcurrentSends,
                FlushInterval = TimeSpan.FromMilliseconds(50),
            }
        );
        var watch = Stopwatch.StartNew();
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
            if (!client.Track(fill))
                throw new InvalidOperationException("Track dropped an event: the queue stayed full for 30 s");
        }
        await client.FlushAsync();
        var seconds = watch.Elapsed.TotalSeconds;
        var counters = client.GetCounters();
        return new ClientOutcome(
            "csharp",
            events,
            seconds,
            counters.Delivered,
            counters.Rejected,
            counters.Dropped,
            counters.Retries,
            0
        );
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"ingest-client: set {name}");
}
