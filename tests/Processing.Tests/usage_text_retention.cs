using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using PitPlatform.Processing.Usage;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Processing.Tests;

/// <summary>
/// Every call keeps the SHA-256 of its prompt and response; the text itself only when the tenant opted in, the call is
/// flagged, or it falls in the sampled fraction (the seeds' cost rule).
/// </summary>
public sealed class usage_text_retention(PostgresFixture postgres, KafkaFixture kafka)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task an_ordinary_call_keeps_only_hashes_of_its_text()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        var id = Guid.NewGuid();

        await harness.Aggregator.HandleAsync(
            [harness.Record(harness.CallEnvelope(id, UsageHarness.Call(prompt: "p1", response: "r1")))],
            Ct
        );

        var row = await RowAsync(harness, id);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes("p1")), row.PromptSha);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes("r1")), row.ResponseSha);
        Assert.Null(row.Prompt);
        Assert.Null(row.Response);
        Assert.Null(row.Because);
    }

    [Fact]
    public async Task a_flagged_call_keeps_its_text()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        var id = Guid.NewGuid();

        await harness.Aggregator.HandleAsync(
            [harness.Record(harness.CallEnvelope(id, UsageHarness.Call(flagged: true, prompt: "p2", response: "r2")))],
            Ct
        );

        var row = await RowAsync(harness, id);
        Assert.Equal(("p2", "r2", TextKeptBecause.Flagged), (row.Prompt, row.Response, row.Because));
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes("p2")), row.PromptSha);
    }

    [Fact]
    public async Task a_tenant_that_opted_in_keeps_the_text_of_every_call_and_no_other_tenant_does()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        await harness.Database.ExecuteAsync(
            "INSERT INTO tenant_redaction (tenant, store_llm_text) VALUES ('demo', true)"
        );
        var (mine, theirs) = (Guid.NewGuid(), Guid.NewGuid());

        await harness.Aggregator.HandleAsync(
            [
                harness.Record(harness.CallEnvelope(mine, UsageHarness.Call(prompt: "p3"))),
                harness.Record(harness.CallEnvelope(theirs, UsageHarness.Call(), tenant: "other")),
            ],
            Ct
        );

        Assert.Equal(
            ("p3", TextKeptBecause.OptIn),
            ((await RowAsync(harness, mine)).Prompt, (await RowAsync(harness, mine)).Because)
        );
        Assert.Null((await RowAsync(harness, theirs)).Prompt);
    }

    [Fact]
    public async Task a_sampled_call_keeps_its_text_and_the_sample_is_the_configured_fraction_decided_by_hash()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka, samplePartsPerMillion: 250_000);
        var ids = Enumerable.Range(0, 400).Select(_ => Guid.NewGuid()).ToList();

        await harness.Aggregator.HandleAsync(
            ids.Select(id => harness.Record(harness.CallEnvelope(id, UsageHarness.Call()))).ToList(),
            Ct
        );

        var sampling = new UsageTextSampling(250_000);
        var expected = ids.Count(id => sampling.Includes(id, ""));
        Assert.Equal(
            expected,
            await harness.Database.CountAsync(
                "llm_calls",
                $"text_kept_because = '{TextKeptBecause.Sampled}' AND prompt IS NOT NULL"
            )
        );
        Assert.Equal(
            400 - expected,
            await harness.Database.CountAsync(
                "llm_calls",
                "text_kept_because IS NULL AND prompt IS NULL AND response IS NULL"
            )
        );
        Assert.InRange(expected, 60, 140); // a quarter of 400, give or take the hash's spread
    }

    [Fact]
    public void sampling_is_deterministic_keeps_runs_whole_and_honours_the_bounds()
    {
        var quarter = new UsageTextSampling(250_000);
        var id = Guid.NewGuid();
        Assert.Equal(quarter.Includes(id, ""), quarter.Includes(id, ""));
        var runs = Enumerable.Range(0, 50).Select(i => $"run-{i}").ToList();
        Assert.All(runs, run =>
            Assert.Equal(quarter.Includes(Guid.NewGuid(), run), quarter.Includes(Guid.NewGuid(), run))
        );
        Assert.False(new UsageTextSampling(0).Includes(id, ""));
        Assert.True(new UsageTextSampling(1_000_000).Includes(id, ""));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("0.01", 10_000)]
    [InlineData("0.000001", 1)]
    [InlineData("0.5", 500_000)]
    [InlineData("1", 1_000_000)]
    [InlineData("1.000", 1_000_000)]
    [InlineData("1.5", null)]
    [InlineData("0.0000001", null)]
    [InlineData("-0.1", null)]
    [InlineData("1e-2", null)]
    [InlineData("0.", null)]
    [InlineData("abc", null)]
    public void the_sample_rate_setting_is_a_fraction_with_at_most_six_decimals(string text, int? partsPerMillion) =>
        Assert.Equal(partsPerMillion, UsageTextSampling.ParsePartsPerMillion(text));

    [Fact]
    public void the_sample_rate_defaults_to_one_percent_and_a_malformed_one_stops_start_up_naming_the_setting()
    {
        static Hosting.PitSettings Settings(string? rate) =>
            Hosting.PitSettings.FromConfiguration(
                new ConfigurationBuilder()
                    .AddInMemoryCollection(
                        new Dictionary<string, string?>
                        {
                            [Hosting.SettingNames.KafkaBootstrap] = "127.0.0.1:9092",
                            [Hosting.SettingNames.Postgres] = "Host=127.0.0.1",
                            [Hosting.SettingNames.Blob] = "UseDevelopmentStorage=true",
                            [Hosting.SettingNames.ApiKeyPepper] = "a-pepper-of-16-chars-or-more",
                            [Hosting.SettingNames.RedactionSecret] = new string('s', 32),
                            [Hosting.SettingNames.UsageTextSampleRate] = rate,
                        }
                    )
                    .Build()
            );

        Assert.Equal(10_000, Settings(null).UsageTextSamplePartsPerMillion);
        Assert.Equal(250_000, Settings("0.25").UsageTextSamplePartsPerMillion);
        var failure = Assert.Throws<Hosting.MissingSettingsException>(() => Settings("25%"));
        Assert.Contains(Hosting.SettingNames.UsageTextSampleRate, Assert.Single(failure.Problems));
    }

    private sealed record CallRow(
        byte[] PromptSha,
        byte[] ResponseSha,
        string? Prompt,
        string? Response,
        string? Because
    );

    private static async Task<CallRow> RowAsync(UsageHarness harness, Guid id)
    {
        await using var command = harness.Database.DataSource.CreateCommand(
            "SELECT prompt_sha256, response_sha256, prompt, response, text_kept_because FROM llm_calls WHERE "
                + "event_id = $1"
        );
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct), $"no llm_calls row for {id}");
        return new CallRow(
            (byte[])reader[0],
            (byte[])reader[1],
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4)
        );
    }
}
