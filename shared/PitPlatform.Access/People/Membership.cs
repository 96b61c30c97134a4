namespace PitPlatform.Access.People;

/// <summary>
/// A person's role in a tenant (table memberships), with the tenant's status and plan as the lookup reads them.
/// </summary>
public sealed record Membership(
    string Issuer,
    string Subject,
    string Tenant,
    string Role,
    string? Name,
    string? Email,
    DateTimeOffset CreatedAt,
    string CreatedBy
)
{
    public bool TenantSuspended { get; init; }
    public string? Plan { get; init; }
}
