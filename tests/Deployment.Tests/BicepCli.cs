using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace PitPlatform.Deployment.Tests;

/// <summary>
/// The Bicep compiler from the Azure.Bicep.CommandLine NuGet package, run on the repository's templates.
/// </summary>
internal static class BicepCli
{
    private static readonly string Executable = typeof(BicepCli)
        .Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "BicepPath")
        .Value!.Replace('\\', '/');

    // Secure parameters the parameter files read from the environment; throwaway values, only for compiling.
    private static readonly Dictionary<string, string> ParameterEnvironment = new()
    {
        ["PIT_API_KEY_PEPPER"] = "compile-only-pepper-0123456789",
        ["PIT_REDACTION_SECRET"] = "compile-only-redaction-secret-0123456789",
        ["PIT_PAGE_TOKEN_SECRET"] = "compile-only-page-token-secret-0123456789",
    };

    public static BicepResult Run(string workingDirectory, params string[] arguments)
    {
        EnsureExecutable();
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in ParameterEnvironment)
            start.Environment[name] = value;
        // No telemetry, no update checks: our machines have no internet.
        start.Environment["BICEP_TRACING_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish in 3 minutes");
        }
        return new BicepResult(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>
    /// Every template under bicep/ compiled to ARM JSON, by path relative to bicep/, in one compiler run.
    /// </summary>
    public static readonly Lazy<IReadOnlyDictionary<string, JsonObject>> Built = new(() =>
    {
        var output = Directory.CreateTempSubdirectory("pit-arm-").FullName;
        try
        {
            var result = Run(Repository.Path("bicep"), "build", "--pattern", "**/*.bicep", "--outdir", output);
            Assert.True(result.ExitCode == 0, $"bicep build failed:\n{result.Error}");
            return Directory
                .EnumerateFiles(Repository.Path("bicep"), "*.bicep", SearchOption.AllDirectories)
                .ToDictionary(
                    f => Path.GetRelativePath(Repository.Path("bicep"), f).Replace('\\', '/'),
                    f =>
                        JsonNode
                            .Parse(
                                File.ReadAllText(
                                    Path.Combine(
                                        output,
                                        Path.GetRelativePath(Repository.Path("bicep"), Path.ChangeExtension(f, ".json"))
                                    )
                                )
                            )!
                            .AsObject()
                );
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    });

    /// <summary>
    /// The resources a parameter file deploys, with every expression that can be known before deployment evaluated
    /// (bicep snapshot). Runs on a copy, because snapshot writes its file beside the parameters.
    /// </summary>
    public static JsonArray Snapshot(string environment)
    {
        var copy = Directory.CreateTempSubdirectory("pit-bicep-").FullName;
        try
        {
            CopyDirectory(Repository.Path("bicep"), copy);
            // A fixed scope, so names built with uniqueString(resourceGroup().id) are literals in the snapshot.
            var result = Run(
                copy,
                "snapshot",
                $"parameters/{environment}.bicepparam",
                "--mode",
                "overwrite",
                "--tenant-id",
                "00000000-0000-0000-0000-00000000000a",
                "--subscription-id",
                "00000000-0000-0000-0000-00000000000b",
                "--resource-group",
                $"pit-{environment}",
                "--location",
                "westeurope"
            );
            Assert.True(result.ExitCode == 0, $"bicep snapshot {environment} failed:\n{result.Error}");
            var snapshot = JsonNode.Parse(
                File.ReadAllText(Path.Combine(copy, "parameters", $"{environment}.snapshot.json"))
            )!;
            return snapshot["predictedResources"]!.AsArray();
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    /// <summary>
    /// NuGet does not keep file modes when it extracts a package, so the compiler may arrive not executable.
    /// </summary>
    private static void EnsureExecutable()
    {
        if (OperatingSystem.IsWindows())
            return;
        var mode = File.GetUnixFileMode(Executable);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
            File.SetUnixFileMode(
                Executable,
                mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute
            );
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(directory.Replace(from, to));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to));
    }
}

internal sealed record BicepResult(int ExitCode, string Output, string Error);
