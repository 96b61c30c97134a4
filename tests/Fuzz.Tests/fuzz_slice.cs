using PitPlatform.Hosting;
using PitPlatform.LocalHost;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Fuzz.Tests;

/// <summary>
/// A fixed-seed slice of ./pit fuzz: the same generator and checks against the local host with every consumer
/// running. No 5xx, no error answer without the error body, no hang, and afterwards a fresh fill is accepted and
/// visible and every consumer is current. The findings other branches own (<see cref="KnownFindings"/>) are
/// tolerated, or held back when they would stall a consumer; the test output lists them.
/// </summary>
public sealed class fuzz_slice(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    public const int Seed = 20261207;
    public const int Requests = 1000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_fixed_seed_slice_gets_no_5xx_malformed_error_or_hang_and_leaves_every_consumer_current()
    {
        await using var pipeline = await TestPipeline.StartAsync(
            await postgres.CreateDatabaseAsync(migrate: false),
            kafka,
            blob,
            runConsumers: true,
            settings: new Dictionary<string, string?>
            {
                [SettingNames.RateLimitPerSecond] = "1000000",
                [SettingNames.RateLimitBurst] = "10000000",
            }
        );
        var target = await FuzzSession.TargetAsync(pipeline.Host.BaseAddress, pipeline.Host.DevKey.ToString(), Ct);
        var output = new StringWriter();

        var report = await new FuzzRunner(target, new FuzzOptions { Concurrency = 4 }, output).RunAsync(
            new FuzzGenerator(Seed, DevApiKey.Tenant),
            Enumerable.Range(0, Requests),
            send: c => KnownFindings.For(c)?.Handling != KnownFindings.Handling.HoldBack,
            Ct
        );
        FuzzSession.Print(report, Seed, pipeline.Host.BaseAddress, output, bodyDirectory: null, known: c =>
            KnownFindings.For(c)?.Owner
        );
        var ingest = await PostChecks.IngestAsync(
            pipeline.Host.BaseAddress,
            pipeline.Host.DevKey.ToString(),
            TimeSpan.FromSeconds(60),
            output,
            Ct
        );
        var consumers = await PostChecks.ConsumersCurrentAsync(
            pipeline.Kafka,
            FuzzSession.Groups(pipeline.Host.Services),
            TimeSpan.FromSeconds(60),
            output,
            Ct
        );
        TestContext.Current.TestOutputHelper?.WriteLine(output.ToString());

        // A 5xx of a known finding is tolerated; a malformed answer (no error body) never is.
        var unknown = report
            .Findings.Where(f =>
                f.Malformed || f.Hang || KnownFindings.For(f.Case)?.Handling != KnownFindings.Handling.Tolerate5xx
            )
            .ToList();
        Assert.True(unknown.Count == 0, $"{unknown.Count} findings outside the known list:\n{output}");
        Assert.True(report.Requests > Requests * 9 / 10, $"only {report.Requests} of {Requests} were sent:\n{output}");
        Assert.True(ingest is null, ingest);
        Assert.True(consumers is null, consumers);
    }
}
