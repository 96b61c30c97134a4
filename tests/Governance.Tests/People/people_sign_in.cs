using System.Net;
using System.Net.Http.Json;
using System.Text;
using PitPlatform.Governance.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.People;

/// <summary>
/// People signed in at a real OpenID Connect provider (code flow with PKCE) call the API with their access tokens:
/// they act with the scopes of their membership, in their own tenant only, lose access when removed, and one person
/// is one approver whether they hold a key or a token.
/// </summary>
public sealed class people_sign_in(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_member_acts_with_the_scopes_of_their_role_and_no_more()
    {
        await using var api = await PeopleApi.StartAsync(postgres, kafka, blob);
        await api.AddMemberAsync("vic-viewer", "viewer");
        await api.AddMemberAsync("ada-admin", "admin");
        using var vic = await api.SignInAsync("vic-viewer");
        using var ada = await api.SignInAsync("ada-admin");

        Assert.Equal(HttpStatusCode.OK, (await vic.GetAsync("/v1/usage", Ct)).StatusCode);
        // Role escalation: a viewer administers nothing, and an admin cannot change their own membership.
        var keys = await vic.GetAsync("/v1/admin/keys", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, keys.StatusCode);
        Assert.Equal("ERR_FORBIDDEN", await Json.ErrorCodeAsync(keys));
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await vic.PostAsJsonAsync("/v1/members", new { subject = "vic-viewer", role = "admin" }, Ct)).StatusCode
        );
        Assert.Equal(HttpStatusCode.Forbidden, (await vic.GetAsync("/v1/tenants", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await TenantsApiIngest(vic)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ada.GetAsync("/v1/admin/keys", Ct)).StatusCode);
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await ada.PostAsJsonAsync("/v1/members", new { subject = "ada-admin", role = "approver" }, Ct)).StatusCode
        );

        var members = (await Json.ReadAsync(await ada.GetAsync("/v1/members", Ct)))
            .GetProperty("data")
            .EnumerateArray()
            .ToList();
        Assert.Equal(["ada-admin", "vic-viewer"], members.Select(m => m.GetProperty("subject").GetString()));
        Assert.All(members, m =>
            Assert.Equal(api.Provider.Issuer.ToString().TrimEnd('/'), m.GetProperty("issuer").GetString())
        );
    }

    [Fact]
    public async Task a_person_reaches_no_other_tenant_and_a_removed_member_is_refused_on_the_next_request()
    {
        await using var api = await PeopleApi.StartAsync(postgres, kafka, blob);
        using var op = api.Operator();
        Assert.Equal(
            HttpStatusCode.Created,
            (
                await op.PostAsJsonAsync(
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
        await api.AddMemberAsync("vic-viewer", "viewer", email: "vic@demo.example");
        using var vicInAcme = await api.SignInAsync("vic-viewer", tenant: "acme");
        var cross = await vicInAcme.GetAsync("/v1/usage", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, cross.StatusCode);
        Assert.Equal("ERR_NOT_A_MEMBER", await Json.ErrorCodeAsync(cross));

        using var vic = await api.SignInAsync("vic-viewer");
        Assert.Equal(HttpStatusCode.OK, (await vic.GetAsync("/v1/usage", Ct)).StatusCode);
        Assert.Equal(
            HttpStatusCode.NoContent,
            (await api.Pipeline.Http.DeleteAsync("/v1/members/vic-viewer", Ct)).StatusCode
        );
        var removed = await vic.GetAsync("/v1/usage", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, removed.StatusCode);
        Assert.Equal("ERR_NOT_A_MEMBER", await Json.ErrorCodeAsync(removed));

        // A suspended tenant's people are refused like its keys.
        await api.AddMemberAsync("vic-viewer", "viewer");
        Assert.Equal(HttpStatusCode.OK, (await op.PostAsync("/v1/tenants/demo/suspend", null, Ct)).StatusCode);
        Assert.Equal("ERR_TENANT_SUSPENDED", await Json.ErrorCodeAsync(await vic.GetAsync("/v1/usage", Ct)));
        Assert.Equal(HttpStatusCode.OK, (await op.PostAsync("/v1/tenants/demo/resume", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await vic.GetAsync("/v1/usage", Ct)).StatusCode);

        var audit = await AuditAsync(api, "demo");
        var added = audit.First(e => e.Action == "member.added");
        Assert.Contains("vic@demo.example", added.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task tokens_for_another_audience_or_unsigned_are_refused_by_the_api()
    {
        await using var api = await PeopleApi.StartAsync(postgres, kafka, blob);
        await api.AddMemberAsync("ada-admin", "admin");
        using var otherAudience = await api.SignInAsync("ada-admin", resource: PeopleApi.OtherApi);
        Assert.Equal(HttpStatusCode.Unauthorized, (await otherAudience.GetAsync("/v1/admin/keys", Ct)).StatusCode);

        var token = await OidcSignIn.AccessTokenAsync(api.Provider, "ada-admin", cancellationToken: Ct);
        var parts = token.Split('.');
        var none =
            Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"alg\":\"none\"}")).TrimEnd('=') + "." + parts[1] + ".";
        using var unsigned = api.WithToken(none);
        Assert.Equal(HttpStatusCode.Unauthorized, (await unsigned.GetAsync("/v1/admin/keys", Ct)).StatusCode);
        using var signed = api.WithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await signed.GetAsync("/v1/admin/keys", Ct)).StatusCode);
    }

    [Fact]
    public async Task one_person_cannot_approve_their_own_request_through_a_key_and_a_token()
    {
        await using var api = await PeopleApi.StartAsync(postgres, kafka, blob);
        await api.AddMemberAsync("ada-admin", "admin");
        await api.AddMemberAsync("abe-approver", "approver");
        using var ada = await api.SignInAsync("ada-admin");

        // Ada makes herself an approver key: it is held by her, whatever she names.
        Assert.Equal(
            HttpStatusCode.BadRequest,
            (
                await ada.PostAsJsonAsync(
                    "/v1/admin/keys",
                    new
                    {
                        scopes = new[] { "approver" },
                        name = "mine",
                        principal = "someone-else",
                    },
                    Ct
                )
            ).StatusCode
        );
        var (adaKey, _) = await Keys.CreateAsync(api.Pipeline, ["approver"], admin: ada);
        using var adaByKey = Keys.Client(api.Pipeline, adaKey);

        var requested = await ada.PostAsJsonAsync(
            "/v1/deletions",
            new
            {
                scope = "series",
                series = "alpha",
                reason = "cleanup",
            },
            Ct
        );
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        var id = (await Json.ReadAsync(requested)).GetProperty("data").GetProperty("id").GetString()!;
        var self = await adaByKey.PostAsync($"/v1/deletions/{id}/approve", null, Ct);
        Assert.Equal("ERR_SELF_APPROVAL", await Json.ErrorCodeAsync(self));

        using var abe = await api.SignInAsync("abe-approver");
        var approved = await abe.PostAsync($"/v1/deletions/{id}/approve", null, Ct);
        Assert.True(approved.StatusCode == HttpStatusCode.OK, await approved.Content.ReadAsStringAsync(Ct));
        var view = (await Json.ReadAsync(approved)).GetProperty("data");
        Assert.Equal("person:ada-admin", view.GetProperty("requested_by").GetString());
        Assert.Equal("person:abe-approver", view.GetProperty("decided_by").GetString());

        var requestedEntry = (await AuditAsync(api, "demo")).Single(e => e.Action == "deletion.requested");
        Assert.Equal("person:ada-admin", requestedEntry.Principal);
        Assert.Null(requestedEntry.KeyPrefix);
        Assert.Contains("\"email\":\"ada@demo.example\"", requestedEntry.Details, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"Ada Admin\"", requestedEntry.Details, StringComparison.Ordinal);
        Assert.True(
            (await api.Pipeline.Service<Governance.Audit.AuditVerifier>().VerifyAsync(cancellationToken: Ct)).IsIntact
        );
    }

    [Fact]
    public async Task operators_sign_in_with_the_app_role_and_a_second_operator_approves_an_offboarding()
    {
        await using var api = await PeopleApi.StartAsync(postgres, kafka, blob);
        using var ola = await api.SignInAsync("ola-operator");
        using var oto = await api.SignInAsync("oto-operator");
        var created = await ola.PostAsJsonAsync(
            "/v1/tenants",
            new
            {
                id = "acme",
                display_name = "Acme",
                plan = "team",
            },
            Ct
        );
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(
            "person:ola-operator",
            (await Json.ReadAsync(created))
                .GetProperty("data")
                .GetProperty("tenant")
                .GetProperty("updated_by")
                .GetString()
        );

        var requested = await ola.PostAsJsonAsync("/v1/tenants/acme/deletion", new { reason = "trial over" }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        var id = (await Json.ReadAsync(requested)).GetProperty("data").GetProperty("id").GetString()!;
        Assert.Equal(
            "ERR_SELF_APPROVAL",
            await Json.ErrorCodeAsync(await ola.PostAsync($"/v1/deletions/{id}/approve", null, Ct))
        );
        Assert.Equal(HttpStatusCode.OK, (await oto.PostAsync($"/v1/deletions/{id}/approve", null, Ct)).StatusCode);
    }

    private static Task<HttpResponseMessage> TenantsApiIngest(HttpClient client) =>
        client.PostAsync("/v1/events", new StringContent("{\"data\":[]}", Encoding.UTF8, "application/json"), Ct);

    private static async Task<
        IReadOnlyList<(string Action, string Principal, string? KeyPrefix, string Details)>
    > AuditAsync(PeopleApi api, string tenant)
    {
        var entries = new List<(string, string, string?, string)>();
        await using var command = api.Pipeline.Database.DataSource.CreateCommand(
            "SELECT action, principal, key_prefix, details::text FROM audit_entries WHERE tenant = $1 ORDER BY sequence"
        );
        command.Parameters.Add(new() { Value = tenant });
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
            entries.Add(
                (
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.GetString(3)
                )
            );
        return entries;
    }

    [Fact]
    public async Task the_local_host_starts_an_identity_provider_and_shows_it_with_a_dev_user_per_role()
    {
        var database = await postgres.CreateDatabaseAsync(migrate: false);
        var naming = await kafka.CreateCatalogTopicsAsync();
        var state = Path.Combine(Path.GetTempPath(), "pit-tests", "state-" + Guid.NewGuid().ToString("N")[..12]);
        await using var host = await LocalHost.PitLocalHost.StartAsync(
            new LocalHost.LocalHostOptions
            {
                StateDirectory = state,
                HttpPort = 0,
                EmbeddedIdentityProvider = true,
                Settings = TestPipeline.ComponentSettings(database, kafka, naming, blob),
            },
            runConsumers: false,
            Ct
        );
        await using var _ = database;
        var banner = host.Banner.ToList();
        var line = Assert.Single(banner, l =>
            l.StartsWith("Identity provider: http://127.0.0.1:", StringComparison.Ordinal)
        );
        foreach (var user in new[] { "ada-admin", "abe-approver", "vic-viewer", "ola-operator" })
            Assert.Contains(banner, l => l.Contains($"dev user {user}", StringComparison.Ordinal));

        // The host trusts the provider it started: an operator signed in there manages tenants.
        var provider =
            host.Services.GetService(typeof(Access.People.IdentitySettings)) as Access.People.IdentitySettings;
        Assert.Equal(line["Identity provider: ".Length..], provider!.Issuer);
    }
}
