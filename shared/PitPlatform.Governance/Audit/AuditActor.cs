using PitPlatform.Access.ApiKeys;

namespace PitPlatform.Governance.Audit;

/// <summary>Who did an audited thing: a key's principal (and the key's public prefix), or a system component.</summary>
public sealed record AuditActor(string Principal, string? KeyPrefix)
{
    /// <summary>A component acting on its own (a sweeper, a workflow step): principal <c>system:{component}</c>.</summary>
    public static AuditActor ForSystem(string component) => new($"system:{component}", null);

    /// <summary>The holder of an API key.</summary>
    public static AuditActor ForKey(ApiKeyPrincipal key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(key.Principal, key.KeyPrefix);
    }
}
