using System.Diagnostics;
using System.Text;
using Xunit;

namespace PitPlatform.Sdk.Tests.Support;

/// <summary>
/// Runs a program (pytest, node's test runner, npm) to its end, or kills its process tree at the timeout, relaying
/// every line to the test's output as it comes and keeping the whole for the failure message.
/// </summary>
internal static class ChildProcess
{
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string program,
        IEnumerable<string> arguments,
        string directory,
        IReadOnlyDictionary<string, string> environment,
        TimeSpan timeout
    )
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        start.Environment["NO_COLOR"] = "1";
        var output = TestContext.Current.TestOutputHelper;
        var all = new StringBuilder();
        void Relay(string? line)
        {
            if (line is null)
                return;
            lock (all)
                all.AppendLine(line);
            try
            {
                output?.WriteLine(line);
            }
            catch (InvalidOperationException)
            {
                // The test already ended (a timeout): the line is still in the failure message.
            }
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Relay(e.Data);
        process.ErrorDataReceived += (_, e) => Relay(e.Data);
        if (!process.Start())
            throw new InvalidOperationException($"could not start {program}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            Relay($"[killed after {timeout.TotalSeconds:0} s]");
        }
        process.WaitForExit(); // drains the redirected streams
        lock (all)
            return (process.ExitCode, all.ToString());
    }
}
