using System.Net;
using System.Net.Http.Json;
using PitPlatform.Governance.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.People;

/// <summary>
/// The keys a person makes are theirs and follow their membership: removing the person revokes them, a demotion
/// revokes those the new role could not have made, and no key passes for a person or changes its maker's own role.
/// </summary>
public sealed class member_keys(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task removed_member_loses_access_on_next_request_through_the_keys_they_made_too()
    {
        await using var api = await PeopleApi.StartAsync(postgres, kafka, blob);
        await api.AddMemberAsync("ada-admin", "admin");
        using var ada = await api.SignInAsync("ada-admin");
        var (adaKey, adaPrefix) = await Keys.CreateAsync(api.Pipeline, ["admin", "read"], admin: ada);
        using var adaByKey = Keys.Client(api.Pipeline, adaKey);
        // A service's key, made with the tenant's admin key, belongs to no person.
        using var service = await Keys.CreateClientAsync(api.Pipeline, ["read"], "billing-service");
        Assert.Equal(HttpStatusCode.OK, (await adaByKey.GetAsync("/v1/admin/keys", Ct)).StatusCode);

        Assert.Equal(
            HttpStatusCode.NoContent,
            (await api.Pipeline.Http.DeleteAsync("/v1/members/ada-admin", Ct)).StatusCode
        );

        Assert.Equal("ERR_NOT_A_MEMBER", await Json.ErrorCodeAsync(await ada.GetAsync("/v1/usage", Ct)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await adaByKey.GetAsync("/v1/usage", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.GetAsync("/v1/usage", Ct)).StatusCode);
        var removed = (await AuditAsync(api)).Single(e => e.Action == "member.removed");
        Assert.Equal([adaPrefix], RevokedKeys(removed.Details));
    }

    [Fact]
    public async Task a_demoted_member_keeps_only_the_keys_their_new_role_allows()
    {
        await using var api = await PeopleApi.StartAsync(postgres, kafka, blob);
        await api.AddMemberAsync("ada-admin", "admin");
        using var ada = await api.SignInAsync("ada-admin");
        var (adminKey, adminPrefix) = await Keys.CreateAsync(api.Pipeline, ["admin"], admin: ada);
        var (readKey, _) = await Keys.CreateAsync(api.Pipeline, ["read"], admin: ada);
        using var byAdminKey = Keys.Client(api.Pipeline, adminKey);
        using var byReadKey = Keys.Client(api.Pipeline, readKey);

        await api.AddMemberAsync("ada-admin", "viewer");

        Assert.Equal(HttpStatusCode.Unauthorized, (await byAdminKey.GetAsync("/v1/admin/keys", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await byReadKey.GetAsync("/v1/usage", Ct)).StatusCode);
        var demoted = (await AuditAsync(api)).Last(e => e.Action == "member.added");
        Assert.Equal([adminPrefix], RevokedKeys(demoted.Details));
    }

    [Fact]
    public async Task an_admin_cannot_change_their_own_role_through_a_key_they_made()
    {
        await using var api = await PeopleApi.StartAsync(postgres, kafka, blob);
        await api.AddMemberAsync("ada-admin", "admin");
        using var ada = await api.SignInAsync("ada-admin");
        var (key, _) = await Keys.CreateAsync(api.Pipeline, ["admin"], admin: ada);
        using var adaByKey = Keys.Client(api.Pipeline, key);

        var escalation = await adaByKey.PostAsJsonAsync(
            "/v1/members",
            new { subject = "ada-admin", role = "approver" },
            Ct
        );

        Assert.Equal(HttpStatusCode.Forbidden, escalation.StatusCode);
        Assert.Equal("ERR_FORBIDDEN", await Json.ErrorCodeAsync(escalation));
        var member = (await Json.ReadAsync(await adaByKey.GetAsync("/v1/members", Ct))).GetProperty("data")[0];
        Assert.Equal("admin", member.GetProperty("role").GetString());
    }

    [Fact]
    public async Task a_key_cannot_be_made_in_a_signed_in_persons_name()
    {
        await using var api = await PeopleApi.StartAsync(postgres, kafka, blob);

        var impostor = await api.Pipeline.Http.PostAsJsonAsync(
            "/v1/admin/keys",
            new
            {
                scopes = new[] { "approver" },
                name = "looks like abe",
                principal = "person:abe-approver",
            },
            Ct
        );

        Assert.Equal(HttpStatusCode.BadRequest, impostor.StatusCode);
        Assert.Equal("ERR_VALIDATION", await Json.ErrorCodeAsync(impostor));
    }

    [Fact]
    public async Task a_token_of_another_issuer_is_refused_by_the_api_even_for_a_listed_subject()
    {
        await using var api = await PeopleApi.StartAsync(postgres, kafka, blob);
        await using var foreign = await LocalHost.Embedded.OidcProviderServer.StartAsync(cancellationToken: Ct);
        await api.AddMemberAsync("ada-admin", "admin");
        // Even a membership naming the foreign issuer lets none of its tokens in: the API trusts one issuer.
        Assert.Equal(
            HttpStatusCode.Created,
            (
                await api.Pipeline.Http.PostAsJsonAsync(
                    "/v1/members",
                    new
                    {
                        subject = "vic-viewer",
                        role = "viewer",
                        issuer = foreign.Issuer.ToString(),
                    },
                    Ct
                )
            ).StatusCode
        );

        foreach (var login in new[] { "ada-admin", "vic-viewer", "ola-operator" })
        {
            var token = await OidcSignIn.AccessTokenAsync(foreign, login, cancellationToken: Ct);
            using var client = api.WithToken(token);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/usage", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/tenants", Ct)).StatusCode);
        }
        using var ada = await api.SignInAsync("ada-admin");
        Assert.Equal(HttpStatusCode.OK, (await ada.GetAsync("/v1/usage", Ct)).StatusCode);
    }

    private static string[] RevokedKeys(string details)
    {
        using var document = System.Text.Json.JsonDocument.Parse(details);
        return [.. document.RootElement.GetProperty("revoked_keys").EnumerateArray().Select(p => p.GetString()!)];
    }

    private static async Task<IReadOnlyList<(string Action, string Details)>> AuditAsync(PeopleApi api)
    {
        var entries = new List<(string, string)>();
        await using var command = api.Pipeline.Database.DataSource.CreateCommand(
            "SELECT action, details::text FROM audit_entries WHERE tenant = 'demo' ORDER BY sequence"
        );
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
            entries.Add((reader.GetString(0), reader.GetString(1)));
        return entries;
    }
}
