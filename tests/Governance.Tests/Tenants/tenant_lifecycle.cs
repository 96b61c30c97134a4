using System.Net;
using System.Net.Http.Json;
using PitPlatform.Access.Tenants;
using PitPlatform.Governance.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Tenants;

/// <summary>
/// Operators create tenants with a first admin key shown once, change their plan, and suspend and resume them: a
/// suspended tenant's keys are refused on every route and nothing it stored is lost. Every change is audited.
/// </summary>
public sealed class tenant_lifecycle(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_new_tenant_gets_one_admin_key_shown_once()
    {
        await using var api = await TenantApi.StartAsync(postgres, kafka, blob);
        var created = await api.CreateAsync("acme", "team", "Acme Capital");

        var tenant = created.GetProperty("tenant");
        Assert.Equal("acme", tenant.GetProperty("id").GetString());
        Assert.Equal("team", tenant.GetProperty("plan").GetString());
        Assert.Equal("active", tenant.GetProperty("status").GetString());
        Assert.Equal(
            TenantPlans.Team.MaxRetentionDays,
            tenant.GetProperty("limits").GetProperty("max_retention_days").GetInt32()
        );
        var adminKey = created.GetProperty("admin_key");
        Assert.Equal(["admin"], adminKey.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        using var admin = Keys.Client(api.Pipeline, adminKey.GetProperty("key").GetString()!);
        var keys = (await Json.ReadAsync(await admin.GetAsync("/v1/admin/keys", Ct)))
            .GetProperty("data")
            .EnumerateArray()
            .ToList();
        var only = Assert.Single(keys);
        Assert.Equal(adminKey.GetProperty("prefix").GetString(), only.GetProperty("prefix").GetString());
        Assert.False(only.TryGetProperty("key", out _));

        // Reading the tenant again never shows the key; creating it again is a conflict, and makes no second key.
        var read = await api.Operator.GetStringAsync("/v1/tenants/acme", Ct);
        Assert.DoesNotContain(adminKey.GetProperty("key").GetString()!, read, StringComparison.Ordinal);
        var again = await api.Operator.PostAsJsonAsync(
            "/v1/tenants",
            new
            {
                id = "acme",
                display_name = "Acme",
                plan = "free",
            },
            Ct
        );
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("ERR_TENANT_EXISTS", await Json.ErrorCodeAsync(again));
        Assert.Single(
            (await Json.ReadAsync(await admin.GetAsync("/v1/admin/keys", Ct))).GetProperty("data").EnumerateArray()
        );

        var audit = await api.AuditAsync("acme");
        var entry = Assert.Single(audit);
        Assert.Equal("tenant.created", entry.Action);
        Assert.Equal("dev-operator", entry.Principal);
        Assert.Equal(
            adminKey.GetProperty("prefix").GetString(),
            entry.Details.GetProperty("admin_key_prefix").GetString()
        );
    }

    [Fact]
    public async Task a_suspended_tenants_keys_are_refused_and_resume_restores_them()
    {
        await using var api = await TenantApi.StartAsync(postgres, kafka, blob);
        using var admin = await api.CreateWithAdminAsync("acme");
        using var ingest = Keys.Client(
            api.Pipeline,
            (await Keys.CreateAsync(api.Pipeline, ["ingest", "read"], admin: admin)).Key
        );
        Assert.Equal(HttpStatusCode.Accepted, (await TenantApi.IngestAsync(ingest)).StatusCode);

        var suspended = await api.PostAsync("/v1/tenants/acme/suspend");
        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        Assert.Equal(
            "suspended",
            (await Json.ReadAsync(suspended)).GetProperty("data").GetProperty("status").GetString()
        );

        foreach (
            var refused in new[]
            {
                await TenantApi.IngestAsync(ingest),
                await ingest.GetAsync("/v1/usage", Ct),
                await admin.GetAsync("/v1/admin/keys", Ct),
                await admin.GetAsync("/v1/audit", Ct),
                await admin.PostAsJsonAsync("/v1/deletions", new { scope = "tenant", reason = "while suspended" }, Ct),
            }
        )
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("ERR_TENANT_SUSPENDED", await Json.ErrorCodeAsync(refused));
        }
        // Other tenants are untouched.
        Assert.Equal(HttpStatusCode.OK, (await api.Pipeline.Http.GetAsync("/v1/admin/keys", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/v1/tenants/acme/resume")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await TenantApi.IngestAsync(ingest)).StatusCode);
        var keys = (await Json.ReadAsync(await admin.GetAsync("/v1/admin/keys", Ct)))
            .GetProperty("data")
            .EnumerateArray();
        Assert.Equal(2, keys.Count());

        Assert.Equal(
            ["tenant.created", "api_key.created", "tenant.suspended", "tenant.resumed"],
            (await api.AuditAsync("acme")).Select(e => e.Action)
        );
    }

    [Fact]
    public async Task a_suspension_reaches_another_instance_within_the_key_cache()
    {
        await using var api = await TenantApi.StartAsync(postgres, kafka, blob);
        using var admin = await api.CreateWithAdminAsync("acme");
        // A second host over the same database: it learns of the suspension from the store, not from this host.
        await using var other = await PitPlatform.LocalHost.PitLocalHost.StartAsync(
            new PitPlatform.LocalHost.LocalHostOptions
            {
                StateDirectory = Path.Combine(
                    Path.GetTempPath(),
                    "pit-tests",
                    "state-" + Guid.NewGuid().ToString("N")[..12]
                ),
                HttpPort = 0,
                Settings = api.Pipeline.Settings.ToDictionary(),
            },
            runConsumers: false,
            Ct
        );
        using var otherAdmin = new HttpClient { BaseAddress = other.BaseAddress };
        otherAdmin.DefaultRequestHeaders.Authorization = admin.DefaultRequestHeaders.Authorization;
        Assert.Equal(HttpStatusCode.OK, (await otherAdmin.GetAsync("/v1/admin/keys", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/v1/tenants/acme/suspend")).StatusCode);
        await Eventually.WaitForAsync(
            () => otherAdmin.GetAsync("/v1/admin/keys", Ct),
            r => r.StatusCode == HttpStatusCode.Forbidden,
            Access.ApiKeys.ApiKeyAuthenticator.CacheDuration + TimeSpan.FromSeconds(5),
            "the other instance refuses the suspended tenant's key"
        );
    }

    [Fact]
    public async Task an_operator_lists_reads_and_changes_tenants_and_the_dev_tenant_exists()
    {
        await using var api = await TenantApi.StartAsync(postgres, kafka, blob);
        await api.CreateAsync("acme");

        var listed = (await Json.ReadAsync(await api.Operator.GetAsync("/v1/tenants", Ct)))
            .GetProperty("data")
            .EnumerateArray()
            .ToList();
        Assert.Equal(["acme", "demo"], listed.Select(t => t.GetProperty("id").GetString()));
        Assert.Equal("pro", listed[1].GetProperty("plan").GetString());

        var changed = await api.PatchAsync("acme", new { plan = "pro", display_name = "Acme Capital" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var tenant = (await Json.ReadAsync(changed)).GetProperty("data");
        Assert.Equal("pro", tenant.GetProperty("plan").GetString());
        Assert.Equal("Acme Capital", tenant.GetProperty("display_name").GetString());

        var unknownPlan = await api.PatchAsync("acme", new { plan = "platinum" });
        Assert.Equal(HttpStatusCode.BadRequest, unknownPlan.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Operator.GetAsync("/v1/tenants/nobody", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync("/v1/tenants/nobody/suspend")).StatusCode);

        var updated = (await api.AuditAsync("acme")).Single(e => e.Action == "tenant.updated");
        Assert.Equal("pro", updated.Details.GetProperty("plan").GetProperty("to").GetString());
        Assert.Equal("free", updated.Details.GetProperty("plan").GetProperty("from").GetString());
    }
}
