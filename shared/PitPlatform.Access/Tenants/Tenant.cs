namespace PitPlatform.Access.Tenants;

/// <summary>
/// A tenant as stored (table tenants), with the Stripe customer billing maps it to (table billing_customers), if any.
/// </summary>
public sealed record Tenant(
    string Id,
    string DisplayName,
    string Plan,
    string Status,
    string? StripeCustomerId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string UpdatedBy
);
