using System.Diagnostics;
using System.Text;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Sdk.Tests.Languages;

/// <summary>
/// The Python SDK's pytest suite (sdk/python/tests) against a fresh local host: the README quickstarts, the
/// fault-injecting proxy with every fill applied exactly once, the server down, results per event, min_supported_sdk
/// and the async client. PIT_SDK_TESTS_REQUIRE_HOST=1 makes a missing host a failure, not a skip.
/// </summary>
public sealed class python_sdk(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task the_python_sdk_suite_passes_against_the_local_host()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var python = Environment.GetEnvironmentVariable("PIT_PYTHON") is { Length: > 0 } configured ? configured : "/usr/bin/python3";

        var (exit, output) = await PythonProcess.RunAsync(python, ["-m", "pytest", "sdk/python/tests", "-q", "-p", "no:cacheprovider"], RepositoryRoot(),
            new Dictionary<string, string>
            {
                ["PIT_URL"] = pipeline.Host.BaseAddress.ToString().TrimEnd('/'),
                ["PIT_API_KEY"] = pipeline.Host.DevKey.ToString(),
                ["PIT_SDK_TESTS_REQUIRE_HOST"] = "1",
                ["PYTHONDONTWRITEBYTECODE"] = "1",
            },
            TimeSpan.FromMinutes(5), Ct);

        TestContext.Current.TestOutputHelper?.WriteLine(output);
        Assert.True(exit == 0, $"pytest exited with {exit}:\n{output}");
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PitPlatform.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("PitPlatform.sln not found above the test binaries");
    }

    /// <summary>Runs a process to its end (or kills it at the timeout) and returns its exit code and interleaved output.</summary>
    private static class PythonProcess
    {
        public static async Task<(int Exit, string Output)> RunAsync(string program, IEnumerable<string> arguments, string workingDirectory,
            IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var start = new ProcessStartInfo(program)
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            foreach (var (name, value) in environment) start.Environment[name] = value;
            var output = new StringBuilder();
            using var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
            if (!process.Start()) throw new InvalidOperationException($"could not start {program}");
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                lock (output) output.AppendLine($"(killed after {timeout.TotalSeconds:0} s)");
                return (-1, output.ToString());
            }
            process.WaitForExit(); // drains the asynchronous readers
            lock (output) return (process.ExitCode, output.ToString());
        }
    }
}
