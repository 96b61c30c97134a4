using System.Diagnostics;
using System.Globalization;

/// <summary>
/// CPU time (user + system) of this process and of the embedded Postgres server's processes, read from /proc. CPU
/// per fill does not depend on what else the machine runs, so it shows where the cost lies even on a busy machine.
/// </summary>
internal sealed class CpuMeter(int postgresPort)
{
    private static readonly double TicksPerMs = 100.0 / 1000; // USER_HZ is 100 on Linux

    public (double DotnetMs, double PostgresMs, long AllocatedBytes) Read()
    {
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var pids = Directory
            .EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(n => n!.All(char.IsAsciiDigit))
            .ToList();
        var postmaster = pids.FirstOrDefault(pid =>
            CommandLine(pid!) is { } cmd
            && cmd.Contains("postgres", StringComparison.Ordinal)
            && cmd.Contains($" -p {postgresPort} ", StringComparison.Ordinal)
        );
        double postgres = 0;
        foreach (var pid in pids)
        {
            var stat = Stat(pid!);
            if (stat is null)
                continue;
            if (pid == postmaster || stat.Value.ParentPid == postmaster)
                postgres += stat.Value.Ticks / TicksPerMs;
        }
        return (self.TotalProcessorTime.TotalMilliseconds, postgres, GC.GetTotalAllocatedBytes());
    }

    private static string? CommandLine(string pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static (string ParentPid, long Ticks)? Stat(string pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (
                fields[1],
                long.Parse(fields[11], CultureInfo.InvariantCulture)
                    + long.Parse(fields[12], CultureInfo.InvariantCulture)
            );
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
