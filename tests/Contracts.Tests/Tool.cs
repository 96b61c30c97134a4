using System.Diagnostics;

namespace PitPlatform.Contracts.Tests;

/// <summary>Runs a command-line tool the tests use as an independent checker (buf, protoc).</summary>
internal static class Tool
{
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string file,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        byte[]? stdin = null
    )
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        if (stdin is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
