using System.Net;
using System.Net.Http.Json;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Tenants;
using PitPlatform.Governance.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Tenants;

/// <summary>
/// A tenant's whole life: created with its first key, ingesting, suspended and resumed, then offboarded by one
/// operator and approved by another, after which its data, keys and record are gone and the receipt and trail remain.
/// </summary>
public sealed class tenant_offboarding(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_tenant_lives_from_creation_to_an_approved_deletion_that_leaves_a_receipt()
    {
        await using var api = await TenantApi.StartAsync(postgres, kafka, blob, runConsumers: true);
        var db = api.Pipeline.Database;
        using var admin = await api.CreateWithAdminAsync("acme", "team");
        var (ingestKey, _) = await Keys.CreateAsync(api.Pipeline, ["ingest", "read"], admin: admin);
        using var ingest = Keys.Client(api.Pipeline, ingestKey);
        Assert.Equal(HttpStatusCode.Accepted, (await TenantApi.IngestAsync(ingest, events: 3)).StatusCode);
        await Eventually.WaitForAsync(
            () => db.CountAsync("nav_points", "tenant = 'acme'"),
            n => n == 3,
            TimeSpan.FromSeconds(60),
            "acme's NAV points"
        );

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/v1/tenants/acme/suspend")).StatusCode);
        Assert.Equal("ERR_TENANT_SUSPENDED", await Json.ErrorCodeAsync(await TenantApi.IngestAsync(ingest)));
        Assert.Equal(3, await db.CountAsync("nav_points", "tenant = 'acme'"));
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/v1/tenants/acme/resume")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await TenantApi.IngestAsync(ingest, events: 1)).StatusCode);
        await Eventually.WaitForAsync(
            () => db.CountAsync("nav_points", "tenant = 'acme'"),
            n => n == 4,
            TimeSpan.FromSeconds(60),
            "acme's fourth NAV point"
        );

        var requested = await api.Operator.PostAsJsonAsync(
            "/v1/tenants/acme/deletion",
            new { reason = "contract ended" },
            Ct
        );
        Assert.True(requested.StatusCode == HttpStatusCode.Accepted, await requested.Content.ReadAsStringAsync(Ct));
        var id = (await Json.ReadAsync(requested)).GetProperty("data").GetProperty("id").GetString()!;

        // The requester cannot approve its own request; the tenant's own approver cannot decide an offboarding.
        var self = await api.Operator.PostAsync($"/v1/deletions/{id}/approve", null, Ct);
        Assert.Equal("ERR_SELF_APPROVAL", await Json.ErrorCodeAsync(self));
        var (approverKey, _) = await Keys.CreateAsync(api.Pipeline, ["approver"], "carol@acme.example", admin);
        using var tenantApprover = Keys.Client(api.Pipeline, approverKey);
        Assert.Equal(
            HttpStatusCode.Created,
            (
                await admin.PostAsJsonAsync(
                    "/v1/members",
                    new
                    {
                        subject = "vic-viewer",
                        issuer = "https://login.example/",
                        role = "viewer",
                    },
                    Ct
                )
            ).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await tenantApprover.PostAsync($"/v1/deletions/{id}/approve", null, Ct)).StatusCode
        );
        // nothing changed yet
        Assert.Equal(HttpStatusCode.Accepted, (await TenantApi.IngestAsync(ingest, events: 1)).StatusCode);

        using var secondOperator = Keys.Client(
            api.Pipeline,
            (
                await api
                    .Pipeline.Service<ApiKeyStore>()
                    .CreateAsync(
                        OperatorKeys.Tenant,
                        [ApiKeyScope.Operator],
                        "second operator",
                        "second-operator",
                        cancellationToken: Ct
                    )
            ).ToString()
        );
        var approved = await secondOperator.PostAsync($"/v1/deletions/{id}/approve", null, Ct);
        Assert.True(approved.StatusCode == HttpStatusCode.OK, await approved.Content.ReadAsStringAsync(Ct));

        var done = await Eventually.WaitForAsync(
            async () =>
                (await Json.ReadAsync(await api.Operator.GetAsync($"/v1/deletions/{id}", Ct))).GetProperty("data"),
            d => d.GetProperty("state").GetString() == "completed",
            TimeSpan.FromSeconds(90),
            "the offboarding completed"
        );

        var receipt = done.GetProperty("receipt");
        var counts = receipt.GetProperty("counts");
        Assert.True(counts.GetProperty("postgres.nav_points").GetInt64() >= 4);
        Assert.Equal(3, counts.GetProperty("postgres.api_keys").GetInt64());
        Assert.Equal(1, counts.GetProperty("postgres.tenants").GetInt64());
        Assert.Equal(1, counts.GetProperty("postgres.memberships").GetInt64());
        Assert.True(receipt.GetProperty("scope").GetProperty("offboarding").GetBoolean());
        Assert.Equal("second-operator", done.GetProperty("decided_by").GetString());
        Assert.Equal("dev-operator", done.GetProperty("requested_by").GetString());

        foreach (
            var table in new[]
            {
                "nav_points",
                "nav_rollups",
                "cell_cash",
                "cell_positions",
                "api_keys",
                "memberships",
                "retention_policies",
                "usage_daily",
                "events_daily",
            }
        )
            Assert.True(await db.CountAsync(table, "tenant = 'acme'") == 0, $"acme's rows are left in {table}");
        Assert.Equal(0, await db.CountAsync("tenants", "id = 'acme'"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.GetAsync("/v1/admin/keys", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TenantApi.IngestAsync(ingest)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.Operator.GetAsync("/v1/tenants/acme", Ct)).StatusCode);
        // demo is untouched
        Assert.Equal(HttpStatusCode.OK, (await api.Pipeline.Http.GetAsync("/v1/admin/keys", Ct)).StatusCode);

        // Both refused approvals are on the trail: the requester's own and the tenant approver's.
        var actions = (await api.AuditAsync("acme")).Select(e => e.Action).ToList();
        Assert.Equal(
            [
                "tenant.created",
                "api_key.created",
                "tenant.suspended",
                "tenant.resumed",
                "deletion.requested",
                "deletion.approval_refused",
                "api_key.created",
                "member.added",
                "deletion.approval_refused",
                "tenant.suspended",
                "deletion.approved",
                "deletion.completed",
            ],
            actions.Where(a => !a.StartsWith("archive.", StringComparison.Ordinal))
        );
        Assert.True(
            (await api.Pipeline.Service<Governance.Audit.AuditVerifier>().VerifyAsync(cancellationToken: Ct)).IsIntact
        );
    }

    [Fact]
    public async Task only_an_operator_asks_for_an_offboarding_and_only_of_a_tenant_that_exists()
    {
        await using var api = await TenantApi.StartAsync(postgres, kafka, blob);
        using var admin = await api.CreateWithAdminAsync("acme");
        var byAdmin = await admin.PostAsJsonAsync("/v1/tenants/acme/deletion", new { reason = "leaving" }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, byAdmin.StatusCode);
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await api.Operator.PostAsJsonAsync("/v1/tenants/nobody/deletion", new { reason = "x" }, Ct)).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.BadRequest,
            (await api.Operator.PostAsJsonAsync("/v1/tenants/acme/deletion", new { reason = "" }, Ct)).StatusCode
        );
        // Refused asks leave no request behind.
        Assert.Equal(0, await api.Pipeline.Database.CountAsync("governance_requests", "tenant = 'acme'"));
    }
}
