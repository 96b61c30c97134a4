using System.Text.Json.Nodes;
using Npgsql;
using PitPlatform.Access.Admin;
using PitPlatform.Access.ApiKeys;

namespace PitPlatform.Governance.Audit;

/// <summary>
/// Keys made and revoked through <c>/v1/admin/keys</c> on the tenant's audit trail (<c>api_key.created</c> with the
/// grants and holder, <c>api_key.revoked</c>), naming the key or person who did it.
/// </summary>
public sealed class KeyChangeAudit(AuditTrail trail) : IKeyChangeAudit
{
    public async Task RecordAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        ApiKeyPrincipal actor,
        KeyChange change,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(change);
        var details = new JsonObject { ["prefix"] = change.Prefix };
        if (change.Scopes is not null)
            details["scopes"] = new JsonArray([.. change.Scopes.Select(s => (JsonNode)JsonValue.Create(s))]);
        if (change.Name is not null)
            details["name"] = change.Name;
        if (change.Holder is not null)
            details["holder"] = change.Holder;
        await trail
            .AppendAsync(
                connection,
                transaction,
                new AuditRecord(actor.Tenant, AuditActor.ForKey(actor), change.Action, $"key/{change.Prefix}", details),
                cancellationToken
            )
            .ConfigureAwait(false);
    }
}
