using System.Net;
using System.Text.Json;
using PitPlatform.Governance.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.People;

/// <summary>
/// Making and revoking keys are human actions on the tenant's audit trail: a person's entries carry their principal
/// and name, a key's entries its holder and prefix, and the chain stays intact.
/// </summary>
public sealed class key_changes_audited(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_person_making_and_revoking_a_key_is_audited_with_their_identity()
    {
        await using var api = await PeopleApi.StartAsync(postgres, kafka, blob);
        await api.AddMemberAsync("ada-admin", "admin");
        using var ada = await api.SignInAsync("ada-admin");

        var (_, prefix) = await Keys.CreateAsync(api.Pipeline, ["ingest", "read"], admin: ada);
        Assert.Equal(HttpStatusCode.NoContent, (await ada.DeleteAsync($"/v1/admin/keys/{prefix}", Ct)).StatusCode);

        var entries = await AuditAsync(api, "api_key.");
        Assert.Equal(["api_key.created", "api_key.revoked"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal("person:ada-admin", e.Principal));
        Assert.All(entries, e => Assert.Null(e.KeyPrefix));
        Assert.All(entries, e => Assert.Equal($"key/{prefix}", e.Target));
        var created = entries[0].Details;
        Assert.Equal(["ingest", "read"], created.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("person:ada-admin", created.GetProperty("holder").GetString());
        Assert.Equal("ada@demo.example", created.GetProperty("person").GetProperty("email").GetString());
        Assert.True(
            (await api.Pipeline.Service<Governance.Audit.AuditVerifier>().VerifyAsync(cancellationToken: Ct)).IsIntact
        );
    }

    [Fact]
    public async Task a_key_made_with_an_admin_key_is_audited_with_that_key_and_its_holder()
    {
        await using var api = await PeopleApi.StartAsync(postgres, kafka, blob);

        var (_, prefix) = await Keys.CreateAsync(api.Pipeline, ["approver"], "carol@demo.example");

        var entry = Assert.Single(await AuditAsync(api, "api_key."));
        Assert.Equal("api_key.created", entry.Action);
        Assert.NotNull(entry.KeyPrefix);
        Assert.NotEqual(prefix, entry.KeyPrefix);
        Assert.Equal("carol@demo.example", entry.Details.GetProperty("holder").GetString());
        Assert.False(entry.Details.TryGetProperty("person", out _));
    }

    private static async Task<
        IReadOnlyList<(string Action, string Principal, string? KeyPrefix, string Target, JsonElement Details)>
    > AuditAsync(PeopleApi api, string actionPrefix)
    {
        var entries = new List<(string, string, string?, string, JsonElement)>();
        await using var command = api.Pipeline.Database.DataSource.CreateCommand(
            "SELECT action, principal, key_prefix, target, details::text FROM audit_entries "
                + "WHERE tenant = 'demo' AND starts_with(action, $1) ORDER BY sequence"
        );
        command.Parameters.Add(new() { Value = actionPrefix });
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
            entries.Add(
                (
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.GetString(3),
                    JsonDocument.Parse(reader.GetString(4)).RootElement.Clone()
                )
            );
        return entries;
    }
}
