using PitPlatform.LocalHost;

/// <summary>
/// ./pit load sdk [events]: one client of each SDK (C#, Python, TypeScript) against the server's own ingest rate, on
/// the same host and broker in the same run. Every client is a process of its own; with two or more cores the host
/// runs on one half of them and every client on the other (<see cref="CoreSplit"/>), as an application and the
/// service run on different machines.
///   1. the server's own rate: the bare client (pre-built gzip bodies of 1,000 events, connections opened before the
///      clock) with as many connections as the SDKs keep requests in flight, and with 32; the better is the limit;
///   2. each SDK: events tracked one at a time from one thread, batches of 1,000, gzip, 8 requests in flight, then a
///      flush; events delivered per second, and the ratio to 1 (the target: at least 90%).
/// A throwaway run warms the host; every client then sends a tenth of the run (at least 5,000 events) in its own
/// process before its clock starts, as a long-running application's client is warm (code compiled, connections
/// open), and only the events after that count. Every SDK runs PIT_SDK_ROUNDS times (default 3), each run right after
/// one of the bare client: reported are its best run against the bare client's best, and the median of its runs each
/// over the bare run just before it, in which the machine's drift cancels.
/// </summary>
internal static class SdkLoad
{
    private const int WarmUpEvents = 20_000;

    /// <summary>Runs of every SDK (PIT_SDK_ROUNDS, default 3), each right after one of the bare client.</summary>
    private static int Rounds =>
        int.TryParse(Environment.GetEnvironmentVariable("PIT_SDK_ROUNDS"), out var rounds) && rounds > 0 ? rounds : 3;

    public static async Task<int> RunAsync(PitLocalHost host, int events)
    {
        var root = PitPlatform.LocalHost.Embedded.RepositoryRoot.Find()
            ?? throw new InvalidOperationException("run ./pit load sdk from the repository");
        Console.WriteLine(
            $"host {host.BaseAddress}, {events:N0} events per phase, "
                + (
                    CoreSplit.Current is { } split
                        ? $"host on core(s) {split.HostCores}, clients on core(s) {split.ClientCores}"
                        : "host and clients sharing the cores"
                )
        );
        var bare = new[] { ClientProcess.Raw(IngestClient.ConcurrentSends, gzip: true), ClientProcess.Raw(32, true) };
        var rates = new List<(ClientOutcome Outcome, TimeSpan HostCpu)>();
        // One throwaway run warms the host; every client then warms itself, in its own process, before its clock.
        await bare[0].RunAsync(host, WarmUpEvents, root);
        foreach (var raw in bare)
            rates.Add(await raw.RunAsync(host, events, root));
        // Every SDK runs Rounds times, each run right after one of the bare client: a shared machine drifts by a
        // third within minutes (neighbours come and go, the host's heap and the broker's logs grow), so besides the
        // best runs each SDK gets the median of its paired ratios, in which the drift cancels.
        var runs = new List<(string Name, ClientOutcome Outcome, TimeSpan HostCpu, double PairedRatio)>();
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var sdk in ClientProcess.Sdks(root, quiet: round > 0))
            {
                var (pair, pairHostCpu) = await bare[0].RunAsync(host, events, root);
                rates.Add((pair, pairHostCpu));
                var (outcome, hostCpu) = await sdk.RunAsync(host, events, root);
                runs.Add((sdk.Name, outcome, hostCpu, outcome.Rate / pair.Rate));
            }
        }
        var sdks = runs.GroupBy(r => r.Name).Select(g => g.MaxBy(r => r.Outcome.Rate)).ToList();
        var (server, serverHostCpu) = rates.MaxBy(r => r.Outcome.Rate);
        Console.WriteLine(
            $"1. server's own rate: {server.Rate:N0} events/s, the best of the bare client's runs, before the SDKs "
                + "and just before each SDK run ("
                + string.Join(", ", rates.Select(r => $"{r.Outcome.Sdk}: {r.Outcome.Rate:N0}"))
                + $"); host CPU {PerEvent(serverHostCpu, server)} us per event"
        );
        var step = 2;
        foreach (var (name, outcome, hostCpu, _) in sdks)
        {
            var paired = runs.Where(r => r.Name == name).Select(r => r.PairedRatio).Order().ToList();
            Console.WriteLine(
                $"{step++}. {name} SDK, one client, best of {Rounds}: {outcome.Rate:N0} events/s delivered = "
                    + $"{100.0 * outcome.Rate / server.Rate:F0}% of the server's own rate (target >= 90%; runs "
                    + string.Join(", ", runs.Where(r => r.Name == name).Select(r => $"{r.Outcome.Rate:N0}"))
                    + $"); each run over the bare run just before it: median {100 * paired[paired.Count / 2]:F0}% ("
                    + string.Join(", ", paired.Select(r => $"{100 * r:F0}%"))
                    + $"); delivered {outcome.Delivered:N0} of {outcome.Events:N0}, rejected {outcome.Rejected}, "
                    + $"dropped {outcome.Dropped}, retries {outcome.Retries}"
            );
            Console.WriteLine(
                $"   client CPU {outcome.CpuMicrosecondsPerEvent:F1} us per event, host CPU "
                    + $"{PerEvent(hostCpu, outcome)} us per event"
            );
        }
        return 0;
    }

    private static string PerEvent(TimeSpan cpu, ClientOutcome outcome) =>
        (cpu.TotalMicroseconds / outcome.Delivered).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
}
