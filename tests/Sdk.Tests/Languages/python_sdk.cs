using PitPlatform.Sdk.Tests.Support;
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
    [Fact]
    public async Task the_python_sdk_suite_passes_against_the_local_host()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var python = Environment.GetEnvironmentVariable("PIT_PYTHON") is { Length: > 0 } configured
            ? configured
            : "/usr/bin/python3";

        var (exit, output) = await ChildProcess.RunAsync(
            python,
            ["-m", "pytest", "sdk/python/tests", "-q", "-p", "no:cacheprovider"],
            Repository.Root,
            new Dictionary<string, string>
            {
                ["PIT_URL"] = pipeline.Host.BaseAddress.ToString().TrimEnd('/'),
                ["PIT_API_KEY"] = pipeline.Host.DevKey.ToString(),
                ["PIT_SDK_TESTS_REQUIRE_HOST"] = "1",
                ["PYTHONDONTWRITEBYTECODE"] = "1",
            },
            TimeSpan.FromMinutes(5)
        );

        Assert.True(exit == 0, $"pytest exited with {exit}:\n{output}");
        Assert.DoesNotMatch(@"\d+ skipped", output); // with the host given, no test may skip
    }
}
