using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using PitPlatform.Governance.Retention;
using PitPlatform.Hosting;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Retention;

/// <summary>A tenant's retention: the default, changes within the bounds, and changes that need an approval.</summary>
public sealed class retention_policies(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_tenant_without_a_policy_keeps_the_default_ninety_days()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        var store = new RetentionPolicyStore(database.DataSource, new RetentionSettings());

        var policy = await store.GetAsync("acme", Ct);

        Assert.Equal(90, policy.Days);
        Assert.True(policy.IsDefault);
    }

    [Fact]
    public async Task a_policy_set_is_read_back_and_listed_with_the_tenants_that_have_none()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        var store = new RetentionPolicyStore(database.DataSource, new RetentionSettings());
        await database.ExecuteAsync(
            "INSERT INTO events_daily (tenant, day, topic, events) VALUES ('beta', '2026-01-01', 'x', 1)"
        );

        await store.SetAsync("acme", 30, "short", "pit_abc12345", Ct);
        var all = await store.ListAsync(Ct);

        Assert.Equal(
            new[] { ("acme", 30, false), ("beta", 90, true) },
            all.Select(p => (p.Tenant, p.Days, p.IsDefault))
        );
        Assert.Equal("short", (await store.GetAsync("acme", Ct)).Tier);
        Assert.Equal(90, await store.LongestDaysAsync(Ct));
    }

    [Theory]
    [InlineData(6, false)]
    [InlineData(7, true)]
    [InlineData(365, true)]
    [InlineData(366, false)]
    public void bounds_are_inclusive(int days, bool within) =>
        Assert.Equal(within, new RetentionSettings().IsWithinBounds(days));

    [Fact]
    public void malformed_retention_settings_stop_the_host_naming_each_setting()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    [SettingNames.RetentionMinDays] = "400",
                    [SettingNames.RetentionTiers] = "short=30,Bad Name=2",
                    [SettingNames.RetentionChunkRows] = "0",
                }
            )
            .Build();
        var problems = new List<string>();

        RetentionSettingsReader.Read(configuration, problems);

        Assert.Contains(problems, p => p.StartsWith(SettingNames.RetentionMinDays, StringComparison.Ordinal));
        Assert.Contains(problems, p =>
            p.StartsWith(SettingNames.RetentionTiers, StringComparison.Ordinal)
            && p.Contains("Bad Name", StringComparison.Ordinal)
        );
        Assert.Contains(problems, p => p.StartsWith(SettingNames.RetentionChunkRows, StringComparison.Ordinal));
    }

    [Fact]
    public async Task an_admin_changes_retention_within_the_bounds_and_outside_them_only_requests_an_approval()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);

        var before = await pipeline.Http.GetFromJsonAsync<JsonElement>("/v1/admin/retention", Ct);
        var tier = await pipeline.Http.PutAsJsonAsync("/v1/admin/retention", new { tier = "extended" }, Ct);
        var within = await pipeline.Http.PutAsJsonAsync("/v1/admin/retention", new { days = 120 }, Ct);
        var outside = await pipeline.Http.PutAsJsonAsync("/v1/admin/retention", new { days = 3 }, Ct);
        var both = await pipeline.Http.PutAsJsonAsync("/v1/admin/retention", new { days = 30, tier = "short" }, Ct);
        var after = await pipeline.Http.GetFromJsonAsync<JsonElement>("/v1/admin/retention", Ct);

        Assert.Equal(90, before.GetProperty("data").GetProperty("days").GetInt32());
        Assert.True(before.GetProperty("data").GetProperty("default").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, tier.StatusCode);
        Assert.Equal(HttpStatusCode.OK, within.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, outside.StatusCode);
        Assert.Equal(
            "retention",
            (await outside.Content.ReadFromJsonAsync<JsonElement>(Ct))
                .GetProperty("data")
                .GetProperty("kind")
                .GetString()
        );
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.Equal(120, after.GetProperty("data").GetProperty("days").GetInt32());
        var changes = await pipeline.Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_entries WHERE action = 'retention.changed'"
        );
        Assert.Equal(2, changes);
        Assert.False(after.GetProperty("data").GetProperty("default").GetBoolean());
    }

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct))
            .GetProperty("error")
            .GetProperty("code")
            .GetString();
}
