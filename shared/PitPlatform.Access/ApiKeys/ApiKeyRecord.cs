namespace PitPlatform.Access.ApiKeys;

/// <summary>A stored key, without its secret.</summary>
public sealed record ApiKeyRecord(
    string Prefix, string Tenant, IReadOnlyList<string> Scopes, string Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
