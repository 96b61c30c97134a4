using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PitPlatform.Hosting;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.LocalHost;

// ./pit load nav [fills]: the NAV processor against binary COPY + merge (NavLoad.cs).
// ./pit load visibility [seconds]: 202 -> NAV visible in the query API at 1,000 fills/s (VisibilityLoad.cs).
// ./pit load navquery [requests]: the NAV query over 30 days x 10 cells at one point a minute, beside bare SQL
// (NavQueryLoad.cs). ./pit load [events] : measures, in one process against one embedded broker,
//   1. the bare Confluent producer with the product's client settings sending envelopes of the same size with the same
//      headers, the best of a small sweep of producing threads (BareProducer.cs): the raw limit;
//   2. POST /v1/events through the local host, batches of 500, concurrent clients: sustained ingest;
//   3. 100-event batches paced at 10,000 events/s: latency percentiles;
// and the host's RSS. Consumers are off: this is the ingest path only.
// ./pit load archive [records]: the archiver against raw Put Blob of the same range files (ArchiveLoad.cs).
// ./pit load sdk [events]: one client of each SDK (C#, Python, TypeScript) against the server's own ingest rate in the
// same run (SdkLoad.cs).
// ingest-client raw|csharp: one of ./pit load sdk's client processes (IngestClient.cs); no host of its own.
if (args.Length > 0 && args[0] == "ingest-client")
    return await IngestClient.RunAsync(args[1..]);

// ./pit load sdk runs again pinned to half the cores, its clients on the other half (CoreSplit.cs).
if (args.Length > 0 && args[0] == "sdk" && await CoreSplit.RerunPinnedAsync(args) is { } pinnedExit)
    return pinnedExit;
if (args.Length > 0 && args[0] == "archive")
    return await ArchiveLoad.RunAsync(args[1..]);

// ./pit load export [rows]: GET /v1/export over [rows] LLM calls, RSS growth beside a raw COPY TO STDOUT
// (ExportLoad.cs).
if (args.Length > 0 && args[0] == "export")
    return await ExportLoad.RunAsync(args[1..]);

// ./pit load telemetry [events] [pairs], ./pit load nav telemetry [fills] [pairs]: sustained ingest and new NAV fills
// on hosts started alternately with telemetry off and with every span traced, the ratio on/off (TelemetryCostLoad.cs).
if (args.Length > 0 && args[0] == "telemetry")
    return await TelemetryCostLoad.IngestAsync(args[1..], Sustained);
if (args.Length > 1 && args[0] == "nav" && args[1] == "telemetry")
    return await TelemetryCostLoad.NavAsync(args[2..]);
var navMode = args.Length > 0 && args[0] == "nav";

// ./pit load console [events] [requests]: the console's overview, logs and NAV queries over 30 days, beside bare SQL
// (ConsoleLoad.cs).
var consoleMode = args.Length > 0 && args[0] == "console";
var visibilityMode = args.Length > 0 && args[0] == "visibility";
var navQueryMode = args.Length > 0 && args[0] == "navquery";
var sdkMode = args.Length > 0 && args[0] == "sdk";
if (navMode || visibilityMode || navQueryMode || sdkMode || consoleMode)
    args = args[1..];
var events =
    args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture)
    : navMode ? 100_000
    : 200_000;
var state = Path.Combine(Path.GetTempPath(), "pit-load-" + Guid.NewGuid().ToString("N")[..8]);
var host = await PitLocalHost.StartAsync(
    new LocalHostOptions
    {
        StateDirectory = state,
        HttpPort = 0,
        DurablePostgres = false,
        EmbeddedKafkaBrokers = LocalHostOptions.EmbeddedKafkaBrokersFromEnvironment(),
        // The NAV benchmark runs two processors in one group: let them join in one generation.
        EmbeddedKafkaRebalanceDelay = navMode ? LocalHostOptions.SharedGroupRebalanceDelay : TimeSpan.Zero,
        Settings = new Dictionary<string, string?>
        {
            [SettingNames.RateLimitPerSecond] = "10000000",
            [SettingNames.RateLimitBurst] = "10000000",
            // A line per request would be the run's output and part of its cost: warnings and errors only.
            ["Logging:LogLevel:Default"] = "Warning",
        },
    },
    runConsumers: visibilityMode
);
if (sdkMode)
{
    var status = await SdkLoad.RunAsync(
        host,
        args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 200_000
    );
    await host.DisposeAsync();
    Directory.Delete(state, recursive: true);
    return status;
}
if (consoleMode)
{
    var status = await ConsoleLoad.RunAsync(
        host,
        args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000,
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 50
    );
    await host.DisposeAsync();
    Directory.Delete(state, recursive: true);
    return status;
}
if (navQueryMode)
{
    var status = await NavQueryLoad.RunAsync(
        host,
        args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 200
    );
    await host.DisposeAsync();
    Directory.Delete(state, recursive: true);
    return status;
}
if (navMode || visibilityMode)
{
    var status = navMode
        ? await NavLoad.RunAsync(host, events)
        : await VisibilityLoad.RunAsync(host, args.Length > 0 ? events : 20);
    await host.DisposeAsync();
    Directory.Delete(state, recursive: true);
    return status;
}
var kafka = host.Services.GetRequiredService<KafkaSettings>();
Console.WriteLine(
    $"host {host.BaseAddress}, broker {kafka.BootstrapServers}, {Environment.ProcessorCount} cores, "
        + $"{events:N0} events per phase"
);

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 })
{
    BaseAddress = host.BaseAddress,
    Timeout = TimeSpan.FromMinutes(2),
};
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.DevKey.ToString());
await Post(http, Bodies(1, 100)[0]); // warm-up: JIT, connections, producer metadata

// The bare records carry the headers the host's do: a traceparent is added per record when the ingest path sets one.
var hostHeaders = BareProducer.HostHeaders(kafka);
var clients = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 32;

var bare = BareProducer.WithoutHeaders(kafka, host.Environment.EmbeddedKafka, events);
var (raw, sweep) = BareProducer.RawLimit(
    kafka,
    host.Environment.EmbeddedKafka,
    events,
    clients,
    withTraceparent: hostHeaders.Contains("traceparent")
);
Console.WriteLine(
    $"1. bare Confluent producer, the product's client settings: {bare:N0} envelopes/s without headers, "
        + $"{raw:N0}/s with the host's headers "
        + $"({string.Join(", ", hostHeaders)}), the raw limit below; best of {sweep}"
);

var sustained = await Sustained(http, events, batch: 500, clients);
Console.WriteLine(
    $"2. HTTP ingest, batches of 500, {clients} clients: {sustained:N0} events/s = "
        + $"{100.0 * sustained / raw:F0}% of the bare producer"
);

var (p50, p99, achieved) = await Paced(http, eventsPerSecond: 10_000, batch: 100, seconds: 10);
Console.WriteLine(
    $"3. 100-event batches at 10,000 events/s: p50 {p50:F1} ms, p99 {p99:F1} ms (achieved {achieved:N0} events/s)"
);

var rss = Process.GetCurrentProcess().WorkingSet64 / (1024 * 1024);
Console.WriteLine($"4. RSS of the process (host, embedded broker and load generator together): {rss} MB");
await host.DisposeAsync();
Directory.Delete(state, recursive: true);
return 0;

static List<byte[]> Bodies(int count, int batch) =>
    Enumerable
        .Range(0, count)
        .Select(_ =>
            Encoding.UTF8.GetBytes(
                "{\"data\":["
                    + string.Join(
                        ",",
                        Enumerable
                            .Range(0, batch)
                            .Select(i =>
                                $"{{\"type\":\"exec.trade_fill\",\"event_id\":\"{Guid.NewGuid()}\",\"ts\":\"2"
                                + $"026-11-22T09:30:00Z\",\"series\":\"alpha\",\"cell\":\"c{i % 50}\","
                                + "\"payload\":{\"instrument\":\"ACME\",\"side\":\"buy\",\"quantity\":100,\"pri"
                                + "ce_micros\":12500000,\"currency\":\"USD\",\"fee_micros\":1000}}"
                            )
                    )
                    + "]}"
            )
        )
        .ToList();

static async Task<double> Post(HttpClient http, byte[] body)
{
    var started = Stopwatch.GetTimestamp();
    using var content = new ByteArrayContent(body);
    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
    using var response = await http.PostAsync("/v1/events", content);
    if ((int)response.StatusCode != 202)
        throw new InvalidOperationException(
            $"ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}"
        );
    return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}

static async Task<double> Sustained(HttpClient http, int events, int batch, int clients)
{
    var requests = events / batch;
    var bodies = Bodies(Math.Min(requests, 200), batch);
    var next = -1;
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(
        Enumerable
            .Range(0, clients)
            .Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < requests)
                    await Post(http, bodies[i % bodies.Count]);
            })
    );
    return requests * batch / watch.Elapsed.TotalSeconds;
}

static async Task<(double P50, double P99, double Achieved)> Paced(
    HttpClient http,
    int eventsPerSecond,
    int batch,
    int seconds
)
{
    var perSecond = eventsPerSecond / batch;
    var total = perSecond * seconds;
    var bodies = Bodies(Math.Min(total, 200), batch);
    var latencies = new double[total];
    var interval = TimeSpan.FromSeconds(1.0 / perSecond);
    var watch = Stopwatch.StartNew();
    var inFlight = new List<Task>(total);
    for (var i = 0; i < total; i++)
    {
        var due = interval * i;
        var wait = due - watch.Elapsed;
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait);
        var index = i;
        inFlight.Add(Task.Run(async () => latencies[index] = await Post(http, bodies[index % bodies.Count])));
    }
    await Task.WhenAll(inFlight);
    var achieved = total * batch / watch.Elapsed.TotalSeconds;
    Array.Sort(latencies);
    return (latencies[total / 2], latencies[(int)(total * 0.99)], achieved);
}
