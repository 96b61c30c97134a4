using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PitPlatform.Contracts.Telemetry;
using PitPlatform.Hosting;
using PitPlatform.Hosting.Telemetry;
using PitPlatform.LocalHost;

/// <summary>
/// What telemetry costs (issue 23, "Cost": on must keep at least 90% of off), in one run of one process:
/// <c>./pit load telemetry [events] [pairs] [traces|on]</c> measures sustained HTTP ingest (Program.cs's phase 2:
/// batches of 500, 32 clients) and <c>./pit load nav telemetry [fills] [pairs] [traces|on]</c> the NAV processor's new
/// fills (<see cref="NavLoad.NewFillsAsync"/>: phase 2 of ./pit load nav, every fill carrying a sampled trace context),
/// each on a fresh local host started alternately with PIT_TELEMETRY=off (no OpenTelemetry, no listener) and
/// PIT_TELEMETRY=traces (every span recorded by an always-on sampler and exported through a batch processor to an
/// exporter that drops it; the platform's metrics on, /metrics scraped every <see cref="ScrapeEvery"/> from the start
/// of the phase). The last argument <c>on</c> compares metrics alone (PIT_TELEMETRY=on, no exporter: no span is
/// recorded), which tells the metrics' share of the cost from the spans'. Off, on, off, on...: the machine's drift
/// shows between pairs. Each phase prints its rate, its CPU per 1,000 (this process: host, broker, generator; and
/// Postgres for NAV) and the load average; the end prints on/off per pair and overall. The raw baselines stay in ./pit
/// load and ./pit load nav; a host per phase (sequential, in one process) is possible because disposing a host disposes
/// its tracer and meter providers, which detach their listeners: every off phase checks that nothing listens to the
/// platform's ActivitySource.
/// </summary>
internal static class TelemetryCostLoad
{
    private static readonly TimeSpan ScrapeEvery = TimeSpan.FromSeconds(5);
    private const int Clients = 32;
    private const int Batch = 500;

    public static async Task<int> IngestAsync(string[] args, Func<HttpClient, int, int, int, Task<double>> sustained)
    {
        var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
        var pairs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        var on = OnMode(args, 2);
        Console.WriteLine(
            $"telemetry cost, sustained HTTP ingest: {events:N0} events per phase, batches of {Batch}, "
                + $"{Clients} clients, "
                + $"{pairs} pairs off/{on}, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"
        );
        return await AlternateAsync(pairs, nav: false, on, async host =>
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 })
            {
                BaseAddress = host.BaseAddress,
                Timeout = TimeSpan.FromMinutes(2),
            };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.DevKey.ToString());
            // Unmeasured: connections, producer metadata, the first requests of a fresh host.
            var warmUp = Math.Max(Batch * Clients, events / 10);
            await sustained(http, warmUp, Batch, Clients);
            var cpu = new CpuMeter(PostgresPort(host));
            var before = cpu.Read();
            var rate = await sustained(http, events, Batch, Clients);
            var after = cpu.Read();
            return (
                rate,
                $"{1000 * (after.DotnetMs - before.DotnetMs) / events:F1} ms CPU per 1,000 events, "
                    + $"{(after.AllocatedBytes - before.AllocatedBytes) / events:N0} B allocated per event "
                    + "(host, broker, generator)",
                warmUp + events
            );
        });
    }

    public static async Task<int> NavAsync(string[] args)
    {
        var fills = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var pairs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        var on = OnMode(args, 2);
        Console.WriteLine(
            $"telemetry cost, NAV processor, new fills: {fills:N0} fills per phase (each its own trace), "
                + $"{pairs} pairs off/{on}, "
                + $"{Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"
        );
        return await AlternateAsync(pairs, nav: true, on, async host =>
        {
            var (rate, batch, cpu) = await NavLoad.NewFillsAsync(host, fills);
            return (rate, $"batches of {batch:N0}; {cpu}", fills + NavLoad.WarmUp(fills));
        });
    }

    private static PitTelemetryMode OnMode(string[] args, int index) =>
        args.Length <= index
            ? PitTelemetryMode.Traces
            : args[index] switch
            {
                "traces" => PitTelemetryMode.Traces,
                "on" => PitTelemetryMode.On,
                _ => throw new ArgumentException($"the mode to compare with off is traces or on, not '{args[index]}'"),
            };

    /// <param name="phase">Measures one host: the rate, a detail line, and how many events or fills it handled in
    /// all.</param>
    private static async Task<int> AlternateAsync(
        int pairs,
        bool nav,
        PitTelemetryMode onMode,
        Func<PitLocalHost, Task<(double Rate, string Detail, int Count)>> phase
    )
    {
        var rates = new List<(double Off, double On)>();
        for (var pair = 1; pair <= pairs; pair++)
        {
            var off = await PhaseAsync(pair, PitTelemetryMode.Off, nav, phase);
            var on = await PhaseAsync(pair, onMode, nav, phase);
            rates.Add((off, on));
        }
        Console.WriteLine(
            "on/off per pair: "
                + string.Join(", ", rates.Select(r => $"{100 * r.On / r.Off:F1}%"))
                + "; overall (mean on / mean off) "
                + $"{100 * rates.Average(r => r.On) / rates.Average(r => r.Off):F1}% (target >= 90%); "
                + $"load average now {LoadAverage()}"
        );
        return 0;
    }

    private static async Task<double> PhaseAsync(
        int pair,
        PitTelemetryMode mode,
        bool nav,
        Func<PitLocalHost, Task<(double Rate, string Detail, int Count)>> phase
    )
    {
        var state = Path.Combine(Path.GetTempPath(), "pit-load-" + Guid.NewGuid().ToString("N")[..8]);
        var spans = DiscardingExporter.SpansExported;
        var host = await PitLocalHost.StartAsync(
            new LocalHostOptions
            {
                StateDirectory = state,
                HttpPort = 0,
                DurablePostgres = false,
                EmbeddedKafkaBrokers = LocalHostOptions.EmbeddedKafkaBrokersFromEnvironment(),
                EmbeddedKafkaRebalanceDelay = nav ? LocalHostOptions.SharedGroupRebalanceDelay : TimeSpan.Zero,
                Settings = new Dictionary<string, string?>
                {
                    [SettingNames.RateLimitPerSecond] = "10000000",
                    [SettingNames.RateLimitBurst] = "10000000",
                    [SettingNames.Telemetry] = mode.ToString().ToLowerInvariant(),
                },
            },
            runConsumers: false
        );
        (double Rate, string Detail, int Count) result;
        var scrapes = 0;
        var loadBefore = LoadAverage();
        try
        {
            if (mode == PitTelemetryMode.Off && PitTelemetry.Source.HasListeners())
                throw new InvalidOperationException(
                    "telemetry is off, yet something listens to the platform's spans (a previous host's provider?)"
                );
            using var stop = new CancellationTokenSource();
            var scraper =
                mode == PitTelemetryMode.Off ? Task.CompletedTask : ScrapeAsync(host, () => scrapes++, stop.Token);
            result = await phase(host);
            await stop.CancelAsync();
            await scraper;
        }
        finally
        {
            // Disposing flushes the batch processor: every span the phase recorded is exported (counted) by now.
            await host.DisposeAsync();
            Directory.Delete(state, recursive: true);
        }
        spans = DiscardingExporter.SpansExported - spans;
        var traced =
            mode == PitTelemetryMode.Off ? "telemetry off"
            : mode == PitTelemetryMode.On ? $"metrics only, {scrapes} scrapes"
            : $"traced: {spans:N0} spans exported ({(double)spans / result.Count:F2} per {(nav ? "fill" : "event")} "
                + $"handled, warm-up included), {scrapes} scrapes";
        Console.WriteLine(
            $"{pair}. {(mode == PitTelemetryMode.Off ? "off" : "on ")}: "
                + $"{result.Rate:N0} {(nav ? "fills" : "events")}/s; "
                + $"{result.Detail}; {traced}; "
                + $"load average {loadBefore} -> {LoadAverage()}"
        );
        return result.Rate;
    }

    /// <summary>
    /// GET /metrics at once and then every <see cref="ScrapeEvery"/>, as Prometheus would, until the phase ends.
    /// </summary>
    private static async Task ScrapeAsync(PitLocalHost host, Action scraped, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        try
        {
            while (!stop.IsCancellationRequested)
            {
                using (var response = await http.GetAsync(PitLocalHost.MetricsPath, stop))
                {
                    response.EnsureSuccessStatusCode();
                    _ = await response.Content.ReadAsByteArrayAsync(stop);
                }
                scraped();
                await Task.Delay(ScrapeEvery, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }

    private static int PostgresPort(PitLocalHost host) =>
        new NpgsqlConnectionStringBuilder(host.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString).Port;

    /// <summary>The 1-minute load average (and 5 and 15), from /proc/loadavg.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "n/a";
}
