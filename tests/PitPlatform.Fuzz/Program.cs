using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PitPlatform.Fuzz;
using PitPlatform.Hosting;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.LocalHost;

// ./pit fuzz [requests] [--seed N] [--case I] [--concurrency N] [--timeout S]
//   Sends [requests] (default 10,000) generated requests (FuzzGenerator) to the local host, started in-process on
//   embedded components with every consumer, or to a running host at PIT_URL (with PIT_ADMIN_KEY, default the
//   development key in .pit/dev-api-key). Reports the statuses, 5xx, malformed errors and hangs, then checks that a
//   fresh fill is still accepted and its NAV visible, and (in-process) that every consumer is current. Exits 1 on any
//   5xx, malformed error, hang or failed check; --case I sends only case I of the seed, to reproduce one finding.
var output = Console.Out;
int? requests = null;
var seed = Environment.GetEnvironmentVariable("PIT_FUZZ_SEED") is { Length: > 0 } s
    ? int.Parse(s, CultureInfo.InvariantCulture)
    : 20261207;
int? only = null;
var options = new FuzzOptions();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seed":
            seed = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--case":
            only = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--concurrency":
            options = options with { Concurrency = int.Parse(args[++i], CultureInfo.InvariantCulture) };
            break;
        case "--timeout":
            options = options with
            {
                RequestTimeout = TimeSpan.FromSeconds(double.Parse(args[++i], CultureInfo.InvariantCulture)),
            };
            break;
        default:
            if (!int.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                Console.Error.WriteLine(
                    "usage: ./pit fuzz [requests] [--seed N] [--case I] [--concurrency N] [--timeout S]"
                );
                return 2;
            }
            requests = n;
            break;
    }
}
var indexes = only is { } one ? [one] : Enumerable.Range(0, requests ?? 10_000).ToList();
var root = PitPlatform.LocalHost.Embedded.RepositoryRoot.Find() ?? Directory.GetCurrentDirectory();
var work = Path.Combine(root, ".pit", "fuzz");
Directory.CreateDirectory(work);

PitLocalHost? host = null;
string? state = null;
Uri baseAddress;
string adminKey;
if (Environment.GetEnvironmentVariable("PIT_URL") is { Length: > 0 } url)
{
    baseAddress = new Uri(url);
    adminKey =
        Environment.GetEnvironmentVariable("PIT_ADMIN_KEY") is { Length: > 0 } k ? k
        : File.Exists(Path.Combine(root, ".pit", "dev-api-key"))
            ? File.ReadAllText(Path.Combine(root, ".pit", "dev-api-key")).Trim()
        : throw new InvalidOperationException("set PIT_ADMIN_KEY to a key with every scope of the tenant to fuzz");
    output.WriteLine(
        $"target {baseAddress} (PIT_URL): the requests act on the admin key's tenant; consumer lag is "
            + "checked only in-process"
    );
}
else
{
    // The host's own log goes to a file: the report is what this command prints.
    var hostLog = Path.Combine(work, "host.log");
    var log = new StreamWriter(hostLog) { AutoFlush = true };
    Console.SetOut(log);
    state = Path.Combine(Path.GetTempPath(), "pit-fuzz-" + Guid.NewGuid().ToString("N")[..8]);
    host = await PitLocalHost.StartAsync(
        new LocalHostOptions
        {
            StateDirectory = state,
            HttpPort = 0,
            DurablePostgres = false,
            Settings = new Dictionary<string, string?>
            {
                // The fuzzer's answers are about input, not the development key's rate.
                [SettingNames.RateLimitPerSecond] = "1000000",
                [SettingNames.RateLimitBurst] = "10000000",
            },
        },
        runConsumers: true
    );
    baseAddress = host.BaseAddress;
    adminKey = host.DevKey.ToString();
    output.WriteLine($"local host {baseAddress} started in-process on embedded components (its log: {hostLog})");
}

var status = 0;
try
{
    var generator = new FuzzGenerator(seed, host is null ? null : DevApiKey.Tenant);
    output.WriteLine(
        $"seed {seed} (PIT_FUZZ_SEED or --seed to change): {generator.Operations.Count} operations of "
            + $"docs/API_SPEC.yaml, event types {string.Join(", ", generator.EventTypes)}"
    );
    var target = await FuzzSession.TargetAsync(baseAddress, adminKey);
    var report = await new FuzzRunner(target, options, output).RunAsync(generator, indexes);
    FuzzSession.Print(
        report,
        seed,
        baseAddress,
        output,
        Path.Combine(work, "bodies"),
        known: c => KnownFindings.For(c)?.Owner,
        show: 25
    );
    if (report.ServerErrors.Count > 0 || report.Malformed.Count > 0 || report.Hangs.Count > 0)
        status = 1;

    var ingest = await PostChecks.IngestAsync(baseAddress, adminKey, TimeSpan.FromSeconds(60), output);
    if (ingest is not null)
    {
        output.WriteLine("FAILED: " + ingest);
        status = 1;
    }
    if (host is not null)
    {
        var lag = await PostChecks.ConsumersCurrentAsync(
            host.Services.GetRequiredService<KafkaSettings>(),
            FuzzSession.Groups(host.Services),
            TimeSpan.FromSeconds(60),
            output
        );
        if (lag is not null)
        {
            output.WriteLine("FAILED: " + lag);
            status = 1;
        }
    }
    output.WriteLine(status == 0 ? "fuzz: passed" : "fuzz: FAILED (findings above)");
}
finally
{
    if (host is not null)
        await host.DisposeAsync();
    if (state is not null && Directory.Exists(state))
        Directory.Delete(state, recursive: true);
}
return status;
