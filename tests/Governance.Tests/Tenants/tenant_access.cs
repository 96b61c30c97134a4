using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using PitPlatform.Governance.Tests.Support;
using PitPlatform.Hosting;
using PitPlatform.LocalHost.Commands;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Tenants;

/// <summary>
/// Only operator keys manage tenants, and no tenant's admin can make one; retention stays within the plan.
/// </summary>
public sealed class tenant_access(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task only_operators_manage_tenants()
    {
        await using var api = await TenantApi.StartAsync(postgres, kafka, blob);
        await api.CreateAsync("acme");
        // The development key holds every scope of its tenant, and none of them manages tenants.
        var tenantKey = api.Pipeline.Http;
        foreach (
            var refused in new[]
            {
                await tenantKey.PostAsJsonAsync(
                    "/v1/tenants",
                    new
                    {
                        id = "mine",
                        display_name = "Mine",
                        plan = "pro",
                    },
                    Ct
                ),
                await tenantKey.GetAsync("/v1/tenants", Ct),
                await tenantKey.GetAsync("/v1/tenants/acme", Ct),
                await tenantKey.PatchAsync("/v1/tenants/demo", JsonContent.Create(new { plan = "pro" }), Ct),
                await tenantKey.PostAsync("/v1/tenants/acme/suspend", null, Ct),
                await tenantKey.PostAsync("/v1/tenants/demo/resume", null, Ct),
            }
        )
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal(
                "operator",
                (await Json.ReadAsync(refused))
                    .GetProperty("error")
                    .GetProperty("details")
                    .GetProperty("scope")
                    .GetString()
            );
        }
        using var anonymous = new HttpClient { BaseAddress = api.Pipeline.Http.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/tenants", Ct)).StatusCode);

        // A tenant's admin cannot grant the operator scope (role escalation through the key API).
        var escalation = await tenantKey.PostAsJsonAsync(
            "/v1/admin/keys",
            new { scopes = new[] { "operator" }, name = "escalate" },
            Ct
        );
        Assert.Equal(HttpStatusCode.BadRequest, escalation.StatusCode);
        // And an operator key reads no tenant's data: it holds no tenant scope.
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Operator.GetAsync("/v1/admin/keys", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await TenantApi.IngestAsync(api.Operator)).StatusCode);

        var reserved = await api.Operator.PostAsJsonAsync(
            "/v1/tenants",
            new
            {
                id = "platform",
                display_name = "Platform",
                plan = "free",
            },
            Ct
        );
        Assert.Equal(HttpStatusCode.BadRequest, reserved.StatusCode);
    }

    [Fact]
    public async Task retention_beyond_the_plan_is_refused()
    {
        await using var api = await TenantApi.StartAsync(postgres, kafka, blob);
        using var admin = await api.CreateWithAdminAsync("acme", "free");

        var beyond = await admin.PutAsJsonAsync("/v1/admin/retention", new { days = 120 }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, beyond.StatusCode);
        var error = (await Json.ReadAsync(beyond)).GetProperty("error");
        Assert.Equal("ERR_RETENTION_BEYOND_PLAN", error.GetProperty("code").GetString());
        Assert.Equal("free", error.GetProperty("details").GetProperty("plan").GetString());
        Assert.Equal(90, error.GetProperty("details").GetProperty("max_days").GetInt32());
        Assert.Equal(120, error.GetProperty("details").GetProperty("requested_days").GetInt32());
        // A tier beyond the plan likewise, and nothing changed.
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await admin.PutAsJsonAsync("/v1/admin/retention", new { tier = "extended" }, Ct)).StatusCode
        );
        Assert.Equal(
            90,
            (await Json.ReadAsync(await admin.GetAsync("/v1/admin/retention", Ct)))
                .GetProperty("data")
                .GetProperty("days")
                .GetInt32()
        );
        Assert.Equal(
            HttpStatusCode.OK,
            (await admin.PutAsJsonAsync("/v1/admin/retention", new { days = 60 }, Ct)).StatusCode
        );

        // A higher plan raises the ceiling at once on this instance.
        Assert.Equal(HttpStatusCode.OK, (await api.PatchAsync("acme", new { plan = "team" })).StatusCode);
        Assert.Equal(
            HttpStatusCode.OK,
            (await admin.PutAsJsonAsync("/v1/admin/retention", new { days = 120 }, Ct)).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await admin.PutAsJsonAsync("/v1/admin/retention", new { days = 400 }, Ct)).StatusCode
        );
    }

    [Fact]
    public async Task operator_keys_come_from_the_operators_command_and_the_banner_shows_the_dev_one()
    {
        await using var api = await TenantApi.StartAsync(postgres, kafka, blob);
        Assert.Contains($"Dev operator key: {api.Pipeline.Host.OperatorKey}", api.Pipeline.Host.Banner);

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    [SettingNames.Postgres] = api.Pipeline.Settings[SettingNames.Postgres],
                    [SettingNames.ApiKeyPepper] = api.Pipeline.Settings[SettingNames.ApiKeyPepper],
                }
            )
            .Build();
        var output = new StringWriter();
        Assert.Equal(
            0,
            await OperatorKeyCommand.RunAsync(
                configuration,
                ["create", "--principal", "erin@platform.example"],
                output,
                new StringWriter(),
                Ct
            )
        );
        var key = output.ToString().Trim().Split(' ')[^1];
        using var erin = Keys.Client(api.Pipeline, key);
        Assert.Equal(HttpStatusCode.OK, (await erin.GetAsync("/v1/tenants", Ct)).StatusCode);
        Assert.Equal(
            HttpStatusCode.Created,
            (
                await erin.PostAsJsonAsync(
                    "/v1/tenants",
                    new
                    {
                        id = "acme",
                        display_name = "Acme",
                        plan = "free",
                    },
                    Ct
                )
            ).StatusCode
        );
        Assert.Equal("erin@platform.example", (await api.AuditAsync("acme")).Single().Principal);

        Assert.Equal(
            0,
            await OperatorKeyCommand.RunAsync(
                configuration,
                ["revoke", key[4..12]],
                new StringWriter(),
                new StringWriter(),
                Ct
            )
        );
        await Eventually.WaitForAsync(
            () => erin.GetAsync("/v1/tenants", Ct),
            r => r.StatusCode == HttpStatusCode.Unauthorized,
            Access.ApiKeys.ApiKeyAuthenticator.CacheDuration + TimeSpan.FromSeconds(5),
            "the revoked operator key is refused"
        );
        Assert.Equal(
            ["operator_key.created", "operator_key.revoked"],
            (await api.AuditAsync("platform")).Select(e => e.Action)
        );
        Assert.Equal(
            2,
            await OperatorKeyCommand.RunAsync(configuration, ["create"], new StringWriter(), new StringWriter(), Ct)
        );
    }
}
