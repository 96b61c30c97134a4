using PitPlatform.Access.ApiKeys;

namespace PitPlatform.Governance.Audit;

/// <summary>Who did an audited thing: a key's principal (and the key's public prefix), or a system component.</summary>
public sealed record AuditActor(string Principal, string? KeyPrefix)
{
    /// <summary>A component acting on its own (a sweeper, a workflow step): principal <c>system:{component}</c>.</summary>
    public static AuditActor ForSystem(string component) => new($"system:{component}", null);

    /// <summary>The holder of an API key, or a person signed in with an access token (no key prefix: <c>person:{subject}</c>).</summary>
    public static AuditActor ForKey(ApiKeyPrincipal key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(key.Principal, key.Person is null ? key.KeyPrefix : null);
    }
}
