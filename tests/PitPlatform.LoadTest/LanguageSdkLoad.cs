using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PitPlatform.LocalHost;

/// <summary>
/// The Python and TypeScript SDKs end to end, each as one client in its own process against the same host as the C#
/// client and the server's own rate (SdkLoad). Each script tracks PIT_EVENTS fills, flushes and prints one JSON line:
/// {"sdk","events","seconds","delivered","rejected","dropped","retries","cpu_seconds"} (cpu_seconds: the client
/// process's CPU, every thread, from the first track to the end of the flush).
/// </summary>
internal static class LanguageSdkLoad
{
    private static readonly JsonSerializerOptions OutcomeJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private sealed record Client(
        string Name,
        string Program,
        string Script,
        Func<string, bool> IsReady,
        Dictionary<string, string> Environment
    );

    private sealed record Outcome(
        string Sdk,
        long Events,
        double Seconds,
        long Delivered,
        long Rejected,
        long Dropped,
        long Retries,
        double CpuSeconds
    );

    public static async Task RunAsync(PitLocalHost host, int events, double serverRate, TimeSpan serverCpuPerEvent)
    {
        var root = LocalHostRoot();
        foreach (var client in Clients(root))
        {
            if (!client.IsReady(root))
            {
                Console.WriteLine(
                    $"3. {client.Name} SDK: skipped, {client.Script} or its build is missing (./pit load sdk "
                        + "builds sdk/js first)"
                );
                continue;
            }
            // warm-up: the interpreter's caches, connections
            await RunOnceAsync(client, host, Math.Min(events, 20_000), root);
            var outcome = await RunOnceAsync(client, host, events, root);
            var rate = outcome.Delivered / outcome.Seconds;
            Console.WriteLine(
                $"3. {client.Name} SDK, one client: {rate:N0} events/s delivered = "
                    + $"{100.0 * rate / serverRate:F0}% of the server's rate "
                    + $"(target >= 90%); delivered {outcome.Delivered:N0} of {outcome.Events:N0}, rejected "
                    + $"{outcome.Rejected}, dropped {outcome.Dropped}, retries {outcome.Retries}"
            );
            // Client and host share the machine's cores, so the client's CPU per event comes out of the host's rate: at
            // the raw phase's use of the cores, a client costing c beside a host costing s per event leaves s / (s + c)
            // of it.
            var clientCpu = outcome.CpuSeconds * 1e6 / outcome.Events;
            var hostCpu = serverCpuPerEvent.TotalMicroseconds;
            var bound = serverRate * hostCpu / (hostCpu + clientCpu);
            Console.WriteLine(
                $"   client CPU {clientCpu:F1} us per event beside the host's {hostCpu:F1} us: sharing the "
                    + $"cores leaves at most {bound:N0} events/s "
                    + $"({100.0 * bound / serverRate:F0}% of the server's rate); the client delivered "
                    + $"{100.0 * rate / bound:F0}% of that"
            );
        }
    }

    private static IEnumerable<Client> Clients(string root)
    {
        var python = Environment.GetEnvironmentVariable("PIT_PYTHON") is { Length: > 0 } configured
            ? configured
            : "/usr/bin/python3";
        yield return new Client(
            "Python",
            python,
            "sdk/python/benchmarks/end_to_end.py",
            r => File.Exists(Path.Combine(r, "sdk/python/benchmarks/end_to_end.py")),
            new() { ["PYTHONPATH"] = Path.Combine(root, "sdk/python/src") }
        );
        yield return new Client(
            "TypeScript",
            "node",
            "sdk/js/bench/end-to-end.mjs",
            r =>
                File.Exists(Path.Combine(r, "sdk/js/bench/end-to-end.mjs"))
                && Directory.Exists(Path.Combine(r, "sdk/js/dist")),
            new()
        );
    }

    private static async Task<Outcome> RunOnceAsync(Client client, PitLocalHost host, int events, string root)
    {
        var start = new ProcessStartInfo(client.Program)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(root, client.Script));
        start.Environment["PIT_URL"] = host.BaseAddress.ToString().TrimEnd('/');
        start.Environment["PIT_API_KEY"] = host.DevKey.ToString();
        start.Environment["PIT_EVENTS"] = events.ToString(CultureInfo.InvariantCulture);
        foreach (var (name, value) in client.Environment)
            start.Environment[name] = value;
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"could not start {client.Program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (process.ExitCode != 0 || lines.Length == 0)
        {
            throw new InvalidOperationException(
                $"{client.Name} SDK run exited with {process.ExitCode}: {await stderr}{string.Join('\n', lines)}"
            );
        }
        return JsonSerializer.Deserialize<Outcome>(lines[^1], OutcomeJson)
            ?? throw new InvalidOperationException($"{client.Name} SDK printed no result: {lines[^1]}");
    }

    private static string LocalHostRoot() =>
        PitPlatform.LocalHost.Embedded.RepositoryRoot.Find()
        ?? throw new InvalidOperationException("run ./pit load sdk from the repository");
}
