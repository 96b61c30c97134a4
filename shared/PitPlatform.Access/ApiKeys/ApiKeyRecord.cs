namespace PitPlatform.Access.ApiKeys;

/// <summary>A stored key as the admin API lists it: never its secret or hash.</summary>
public sealed record ApiKeyRecord(
    string Prefix,
    string Tenant,
    IReadOnlyList<string> Scopes,
    string Name,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt,
    int? RatePerSecond,
    int? Burst
)
{
    /// <summary>Who holds the key (the prefix when none was named at creation).</summary>
    public string Principal { get; init; } = Prefix;
}
