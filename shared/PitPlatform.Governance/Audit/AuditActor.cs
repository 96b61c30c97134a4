using PitPlatform.Access.ApiKeys;

namespace PitPlatform.Governance.Audit;

/// <summary>Who did an audited thing: a key's principal (and the key's public prefix), or a system component.</summary>
public sealed record AuditActor(string Principal, string? KeyPrefix)
{
    /// <summary>
    /// A component acting on its own (a sweeper, a workflow step): principal <c>system:{component}</c>.
    /// </summary>
    public static AuditActor ForSystem(string component) => new($"system:{component}", null);

    /// <summary>
    /// A person's name when they acted with an access token (recorded in the entry's details, not compared).
    /// </summary>
    public string? PersonName { get; init; }

    /// <summary>A person's e-mail when they acted with an access token.</summary>
    public string? PersonEmail { get; init; }

    /// <summary>
    /// The holder of an API key, or a person signed in with an access token (no key prefix: <c>person:{subject}</c>).
    /// </summary>
    public static AuditActor ForKey(ApiKeyPrincipal key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Person is { } person
            ? new(key.Principal, null) { PersonName = person.Name, PersonEmail = person.Email }
            : new(key.Principal, key.KeyPrefix);
    }
}
