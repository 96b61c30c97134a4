using Microsoft.Extensions.Configuration;
using PitPlatform.Hosting;
using PitPlatform.LocalHost.Commands;
using PitPlatform.Processing.Archive;
using PitPlatform.Testing;
using Xunit;
using static PitPlatform.Archive.Tests.ArchiveHarness;

namespace PitPlatform.Archive.Tests;

/// <summary>
/// The operator command: one line per chain, exit 0 when intact, 1 naming the first broken link, 2 on misuse.
/// </summary>
public sealed class pit_archive_verify(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task an_intact_archive_prints_each_chain_and_exits_zero()
    {
        await using var harness = await StartAsync(postgres, kafka, blob);
        await harness.Archiver.HandleAsync(Records(0, 0, 3).Concat(Records(2, 0, 1)).ToList(), Ct);

        var (code, output, errors) = await RunAsync(harness, "verify");

        Assert.Equal(0, code);
        Assert.Equal("", errors);
        Assert.Equal(
            [
                "pit.v1.exec.trade_fill/0: intact, 1 ranges, 4 records, offsets 0..3, head matches",
                "pit.v1.exec.trade_fill/2: intact, 1 ranges, 2 records, offsets 0..1, head matches",
                $"archive verify: 2 chains intact in container {harness.Container.Name}",
            ],
            output
        );
    }

    [Fact]
    public async Task a_broken_chain_exits_one_naming_the_first_broken_link()
    {
        await using var harness = await StartAsync(postgres, kafka, blob);
        await harness.Archiver.HandleAsync(Records(0, 0, 3), Ct);
        var range = ArchiveNames.Range(Topic, 0, 0, 3);
        var content = await harness.ReadAsync(range);
        content[10] ^= 0xff;
        await harness.OverwriteAsync(range, content);

        var (code, output, errors) = await RunAsync(harness, "verify", "--topic", Topic, "--partition", "0");

        Assert.Equal(1, code);
        Assert.StartsWith($"{Topic}/0: BROKEN at {range}", Assert.Single(output));
        Assert.StartsWith($"archive verify: first broken link: {range}: ", errors);
    }

    [Theory]
    [InlineData("check")]
    [InlineData("verify", "--partition", "0")]
    [InlineData("verify", "--topic")]
    public async Task misuse_exits_two_with_the_usage(params string[] args)
    {
        await using var harness = await StartAsync(postgres, kafka, blob);

        var (code, _, errors) = await RunAsync(harness, args);

        Assert.Equal(2, code);
        Assert.Contains("usage: ./pit archive verify", errors);
    }

    [Fact]
    public async Task missing_endpoints_are_named()
    {
        var errors = new StringWriter();
        var code = await ArchiveCommand.RunAsync(
            new ConfigurationBuilder().Build(),
            ["verify"],
            new StringWriter(),
            errors,
            Ct
        );

        Assert.Equal(2, code);
        Assert.Contains($"{SettingNames.Postgres} and {SettingNames.Blob} not set", errors.ToString());
    }

    private static async Task<(int Code, string[] Output, string Errors)> RunAsync(
        ArchiveHarness harness,
        params string[] args
    )
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    [SettingNames.Postgres] = harness.Database.ConnectionString,
                    [SettingNames.Blob] = harness.ConnectionString,
                    [SettingNames.ArchiveContainer] = harness.Container.Name,
                }
            )
            .Build();
        var output = new StringWriter();
        var errors = new StringWriter();
        var code = await ArchiveCommand.RunAsync(configuration, args, output, errors, Ct);
        return (code, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), errors.ToString());
    }
}
