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
/// <c>ingest-client raw|csharp</c>) against PIT_URL with PIT_API_KEY, PIT_EVENTS events. Like every client, each
/// first sends <see cref="WarmUpEvents"/> in the same process, prints "start" when its clock starts, and ends with
/// one JSON line (<see cref="ClientOutcome"/>) about the measured events alone:
///   raw [clients] [gzip|plain]: the bare client. Pre-built 1,000-event JSON bodies, gzip-compressed as the SDKs send
///     them, with Prefer: return=minimal as the SDKs' batches ask, POSTed by [clients] connections opened before the
///     clock starts: the server's own ingest rate;
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
        // As the SDKs' background batches ask: the counts alone when every event is stored.
        http.DefaultRequestHeaders.TryAddWithoutValidation("Prefer", "return=minimal");
        var bodies = Enumerable.Range(0, 50).Select(_ => Body()).Select(b => gzip ? Gzip(b) : b).ToList();
        // Warm, as the SDK clients are: every connection open and the code compiled before the clock starts.
        await PostAllAsync(http, bodies, gzip, clients, Math.Max(clients, WarmUpEvents(events) / Batch));
        Console.WriteLine(ClientProcess.StartLine);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var requests = events / Batch;
        await PostAllAsync(http, bodies, gzip, clients, requests);
        var name = $"raw, {clients} connections, {(gzip ? "gzip" : "plain")}";
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        return new ClientOutcome(name, events, watch.Elapsed.TotalSeconds, requests * Batch, 0, 0, 0, cpuSeconds);
    }

    /// <summary>
    /// POSTs <paramref name="requests"/> of the pre-built bodies over <paramref name="clients"/> connections.
    /// </summary>
    private static Task PostAllAsync(HttpClient http, List<byte[]> bodies, bool gzip, int clients, int requests)
    {
        var next = -1;
        return Task.WhenAll(
            Enumerable
                .Range(0, clients)
                .Select(async _ =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < requests)
                        await PostAsync(http, bodies[i % bodies.Count], gzip);
                })
        );
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
        // Warm, as a long-running application's client is: its code compiled and its connections open.
        await TrackAsync(client, WarmUpEvents(events));
        var before = client.GetCounters();
        Console.WriteLine(ClientProcess.StartLine);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await TrackAsync(client, events);
        var seconds = watch.Elapsed.TotalSeconds;
        var after = client.GetCounters();
        return new ClientOutcome(
            "csharp",
            events,
            seconds,
            after.Delivered - before.Delivered,
            after.Rejected - before.Rejected,
            after.Dropped - before.Dropped,
            after.Retries - before.Retries,
            (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds
        );
    }

    private static async Task TrackAsync(PitIngestionClient client, int events)
    {
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
    }

    /// <summary>
    /// Events every client sends before its clock starts, in the same process (PIT_WARMUP_EVENTS, default a tenth
    /// of the run, at least 5,000): code compiled, connections open, as in a long-running application.
    /// </summary>
    public static int WarmUpEvents(int events) =>
        Environment.GetEnvironmentVariable("PIT_WARMUP_EVENTS") is { Length: > 0 } configured
            ? int.Parse(configured, CultureInfo.InvariantCulture)
            : Math.Max(5_000, events / 10);

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"ingest-client: set {name}");
}
