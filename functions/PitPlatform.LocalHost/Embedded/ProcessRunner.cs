using System.Diagnostics;

namespace PitPlatform.LocalHost.Embedded;

/// <summary>Runs a short command to completion and fails with its output when it fails.</summary>
public static class ProcessRunner
{
    public static async Task<string> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        CancellationToken cancellationToken = default
    )
    {
        var (exitCode, output, command) = await TryRunAsync(fileName, arguments, timeout, cancellationToken)
            .ConfigureAwait(false);
        if (exitCode != 0)
            throw new InvalidOperationException($"{command} exited with {exitCode}: {output.Trim()}");
        return output;
    }

    /// <summary>Runs the command and returns its exit code and combined output, whatever the exit code.</summary>
    public static async Task<(int ExitCode, string Output, string Command)> TryRunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        CancellationToken cancellationToken = default
    )
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(
                $"{fileName} {string.Join(' ', info.ArgumentList)} did not finish within {timeout}"
            );
        }
        var output = await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false);
        return (process.ExitCode, output, $"{fileName} {string.Join(' ', info.ArgumentList)}");
    }
}
