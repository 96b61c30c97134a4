using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PitPlatform.LocalHost;

/// <summary>What a load client prints as its last line, in every language.</summary>
/// <param name="CpuSeconds">The client process's CPU, every thread, from its first event to the end of its
/// flush.</param>
internal sealed record ClientOutcome(
    string Sdk,
    long Events,
    double Seconds,
    long Delivered,
    long Rejected,
    long Dropped,
    long Retries,
    double CpuSeconds
)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public double Rate => Delivered / Seconds;

    public double CpuMicrosecondsPerEvent => CpuSeconds * 1e6 / Events;
}

/// <summary>
/// One load client of <c>./pit load sdk</c> as a process of its own, on the client cores when the run has a
/// <see cref="CoreSplit"/>: the bare .NET client, the C# SDK, and the Python and TypeScript SDKs' end-to-end scripts.
/// </summary>
internal sealed record ClientProcess(string Name, IReadOnlyList<string> Command, Dictionary<string, string> Environment)
{
    /// <summary>What every client prints, alone on a line, when it has warmed up and its clock starts.</summary>
    public const string StartLine = "start";

    public static ClientProcess Raw(int connections, bool gzip) =>
        new(
            $"raw ({connections} connections)",
            [.. CoreSplit.ThisProgram(), "ingest-client", "raw", Invariant(connections), gzip ? "gzip" : "plain"],
            []
        );

    /// <summary>
    /// The three SDKs' clients, each only when its script and build are there (said once, unless
    /// <paramref name="quiet"/>).
    /// </summary>
    public static IEnumerable<ClientProcess> Sdks(string root, bool quiet = false)
    {
        // As an application's process runs: tiered compilation and the workstation collector, not this load test's
        // settings for a long-running host (PitPlatform.LoadTest.csproj).
        yield return new(
            "C#",
            [.. CoreSplit.ThisProgram(), "ingest-client", "csharp"],
            new() { ["DOTNET_TieredCompilation"] = "1", ["DOTNET_gcServer"] = "0" }
        );
        var python = System.Environment.GetEnvironmentVariable("PIT_PYTHON") is { Length: > 0 } configured
            ? configured
            : "/usr/bin/python3";
        var pythonScript = Path.Combine(root, "sdk/python/benchmarks/end_to_end.py");
        if (File.Exists(pythonScript))
            yield return new(
                "Python",
                [python, pythonScript],
                new() { ["PYTHONPATH"] = Path.Combine(root, "sdk/python/src") }
            );
        else if (!quiet)
            Console.WriteLine($"   Python SDK: skipped, {pythonScript} is missing");
        var nodeScript = Path.Combine(root, "sdk/js/bench/end-to-end.mjs");
        if (File.Exists(nodeScript) && Directory.Exists(Path.Combine(root, "sdk/js/dist")))
        {
            // PIT_NODE_ARGS reach only this client (for example --cpu-prof), not the host's Node servers.
            var nodeArgs = (System.Environment.GetEnvironmentVariable("PIT_NODE_ARGS") ?? "").Split(
                ' ',
                StringSplitOptions.RemoveEmptyEntries
            );
            yield return new("TypeScript", ["node", .. nodeArgs, nodeScript], []);
        }
        else if (!quiet)
            Console.WriteLine(
                "   TypeScript SDK: skipped, its script or build is missing (./pit load sdk builds sdk/js)"
            );
    }

    /// <summary>
    /// Runs the client for <paramref name="events"/> events and returns its outcome and the host's CPU meanwhile.
    /// </summary>
    public async Task<(ClientOutcome Outcome, TimeSpan HostCpu)> RunAsync(PitLocalHost host, int events, string root)
    {
        var start = CoreSplit.Current is { } split ? split.OnClientCores(Command) : Unpinned(Command);
        start.WorkingDirectory = root;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.Environment["PIT_URL"] = host.BaseAddress.ToString().TrimEnd('/');
        start.Environment["PIT_API_KEY"] = host.DevKey.ToString();
        start.Environment["PIT_EVENTS"] = Invariant(events);
        foreach (var (name, value) in Environment)
            start.Environment[name] = value;
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"could not start {Command[0]}");
        var stderr = process.StandardError.ReadToEndAsync();
        // The client warms up first and says "start" when its clock starts: the host's CPU is counted from there.
        var hostCpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        var lines = new List<string>();
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.Trim() == StartLine)
                hostCpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
            else if (line.Trim().Length > 0)
                lines.Add(line.Trim());
        }
        await process.WaitForExitAsync();
        var hostCpu = Process.GetCurrentProcess().TotalProcessorTime - hostCpuAtStart;
        if (process.ExitCode != 0 || lines.Count == 0)
        {
            throw new InvalidOperationException(
                $"{Name} client exited with {process.ExitCode}: {await stderr}{string.Join('\n', lines)}"
            );
        }
        var outcome = JsonSerializer.Deserialize<ClientOutcome>(lines[^1], ClientOutcome.Json)
            ?? throw new InvalidOperationException($"{Name} client printed no result: {lines[^1]}");
        return (outcome, hostCpu);
    }

    private static ProcessStartInfo Unpinned(IReadOnlyList<string> command)
    {
        var start = new ProcessStartInfo(command[0]);
        foreach (var part in command.Skip(1))
            start.ArgumentList.Add(part);
        return start;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
