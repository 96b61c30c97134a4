using System.Diagnostics;
using System.Globalization;

/// <summary>
/// Gives the host and its load clients separate cores, as a client application and the ingestion service have separate
/// machines in production: a client's CPU then cannot come out of the server's rate, and the server's own rate (a bare
/// client on the client cores) is the limit every SDK is held to. <c>./pit load sdk</c> re-runs itself under
/// <c>taskset</c> on the first half of the allowed cores and starts every client, bare or SDK, on the other half.
/// </summary>
internal sealed record CoreSplit(string HostCores, string ClientCores)
{
    /// <summary>Set in the pinned run: the cores its clients get.</summary>
    private const string ClientCoresVariable = "PIT_LOAD_CLIENT_CORES";

    /// <summary>The split in force in this process, or null when host and clients share the cores.</summary>
    public static CoreSplit? Current =>
        Environment.GetEnvironmentVariable(ClientCoresVariable) is { Length: > 0 } clients
            ? new CoreSplit(string.Join(',', AllowedCores()), clients)
            : null;

    /// <summary>
    /// Runs this load test again pinned to the host's half and returns its exit code; null when it is already pinned
    /// or cannot be (one core, or no taskset), and the run goes on in this process with shared cores.
    /// </summary>
    public static async Task<int?> RerunPinnedAsync(string[] args)
    {
        if (Current is not null)
            return null;
        var cores = AllowedCores();
        if (cores.Count < 2 || !File.Exists("/usr/bin/taskset"))
        {
            Console.WriteLine($"{cores.Count} core(s) or no taskset: host and clients share the cores");
            return null;
        }
        var half = cores.Count / 2;
        var split = new CoreSplit(string.Join(',', cores.Take(half)), string.Join(',', cores.Skip(half)));
        var start = split.OnHostCores(ThisProgram());
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment[ClientCoresVariable] = split.ClientCores;
        Console.WriteLine($"host on core(s) {split.HostCores}, every client on core(s) {split.ClientCores}");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start taskset");
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    /// <summary>A client process on the client cores.</summary>
    public ProcessStartInfo OnClientCores(IReadOnlyList<string> command) => Pinned(ClientCores, command);

    private ProcessStartInfo OnHostCores(IReadOnlyList<string> command) => Pinned(HostCores, command);

    private static ProcessStartInfo Pinned(string cores, IReadOnlyList<string> command)
    {
        var start = new ProcessStartInfo("/usr/bin/taskset");
        start.ArgumentList.Add("--cpu-list");
        start.ArgumentList.Add(cores);
        foreach (var part in command)
            start.ArgumentList.Add(part);
        return start;
    }

    /// <summary>The command that runs this program again: <c>dotnet app.dll</c> or the app host.</summary>
    public static IReadOnlyList<string> ThisProgram()
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        return Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? [path, typeof(CoreSplit).Assembly.Location]
            : [path];
    }

    /// <summary>The cores this process may run on (Cpus_allowed_list, e.g. "0-1" or "0,2-3").</summary>
    private static List<int> AllowedCores()
    {
        var line = File.ReadLines("/proc/self/status")
            .FirstOrDefault(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
        if (line is null)
            return [.. Enumerable.Range(0, Environment.ProcessorCount)];
        var cores = new List<int>();
        foreach (var range in line["Cpus_allowed_list:".Length..].Trim().Split(','))
        {
            var ends = range.Split('-');
            var first = int.Parse(ends[0], CultureInfo.InvariantCulture);
            var last = ends.Length > 1 ? int.Parse(ends[1], CultureInfo.InvariantCulture) : first;
            cores.AddRange(Enumerable.Range(first, last - first + 1));
        }
        return cores;
    }
}
