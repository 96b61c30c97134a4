using PitPlatform.Sdk.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Sdk.Tests.Languages;

/// <summary>
/// The TypeScript SDK's own suite (sdk/js/test: unit, conformance corpus, and integration through a fault-injecting
/// proxy) run by node's test runner against a real pipeline, so that it counts in ./pit test. ./pit test builds sdk/js
/// first (js_sdk_checks); this test builds it again only when the compiled tests are missing or older than the sources.
/// </summary>
public sealed class typescript_sdk(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static readonly TimeSpan SuiteTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task the_typescript_sdk_suite_passes_against_the_local_host()
    {
        var package = Path.Combine(Repository.Root, "sdk", "js");
        if (IsStale(package))
        {
            var build = await ChildProcess.RunAsync(
                "npm",
                ["run", "--silent", "build"],
                package,
                new Dictionary<string, string>(),
                SuiteTimeout
            );
            Assert.True(build.ExitCode == 0, $"npm run build in sdk/js failed ({build.ExitCode}):\n{build.Output}");
        }

        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var tests = Directory
            .GetFiles(Path.Combine(package, "build", "test"), "*.test.js")
            .Concat(Directory.GetFiles(Path.Combine(package, "build", "test", "integration"), "*.test.js"))
            .Order(StringComparer.Ordinal)
            .Select(f => Path.GetRelativePath(package, f))
            .ToList();
        Assert.NotEmpty(tests);
        var environment = new Dictionary<string, string>
        {
            ["PIT_URL"] = pipeline.Host.BaseAddress.ToString().TrimEnd('/'),
            ["PIT_API_KEY"] = pipeline.Host.DevKey.ToString(),
            ["PIT_SDK_TESTS_REQUIRE_HOST"] = "1",
        };

        var run = await ChildProcess.RunAsync(
            "node",
            ["--test", "--test-concurrency=1", "--test-reporter=spec", .. tests],
            package,
            environment,
            SuiteTimeout
        );

        Assert.True(run.ExitCode == 0, $"node --test exited with {run.ExitCode}:\n{run.Output}");
        Assert.Matches(@"(ℹ|#) skipped 0\b", run.Output); // with the host given, no test may skip
    }

    /// <summary>
    /// Whether the compiled tests are missing or older than a source, a test, the build settings or the schema.
    /// </summary>
    private static bool IsStale(string package)
    {
        var marker = Path.Combine(package, "build", "test", "client.test.js");
        if (!File.Exists(marker) || !File.Exists(Path.Combine(package, "dist", "index.js")))
            return true;
        var built = File.GetLastWriteTimeUtc(marker);
        var inputs = Directory
            .EnumerateFiles(Path.Combine(package, "src"), "*.ts", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(package, "test"), "*.ts", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFiles(package, "tsconfig*.json"))
            .Append(Path.Combine(Repository.Root, "docs", "EVENT_SCHEMA.json"));
        return inputs.Any(f => File.GetLastWriteTimeUtc(f) > built);
    }
}
