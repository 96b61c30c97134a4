using Npgsql;
using PitPlatform.Access.ApiKeys;

namespace PitPlatform.Access.Admin;

/// <summary>
/// Records a key's creation or revocation in the caller's transaction, so the change and its audit entry commit
/// together. The governance audit trail implements it: Access may not reference Governance.
/// </summary>
public interface IKeyChangeAudit
{
    Task RecordAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        ApiKeyPrincipal actor,
        KeyChange change,
        CancellationToken cancellationToken
    );
}

/// <summary>What happened to a key of the actor's tenant, and for a new key what it grants and to whom.</summary>
public sealed record KeyChange(
    string Action,
    string Prefix,
    IReadOnlyList<string>? Scopes = null,
    string? Name = null,
    string? Holder = null
)
{
    public const string Created = "api_key.created";
    public const string Revoked = "api_key.revoked";
}
