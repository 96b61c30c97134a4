using PitPlatform.Access.RateLimiting;
using PitPlatform.Access.Tenants;

namespace PitPlatform.Governance.Tenants;

/// <summary>A tenant as the API shows it, with what its plan allows.</summary>
public sealed record TenantView(
    string Id,
    string DisplayName,
    string Plan,
    string Status,
    string? StripeCustomerId,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string UpdatedBy,
    TenantLimits Limits
)
{
    public static TenantView Of(Tenant tenant, RateLimitOptions rates)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(rates);
        var plan = TenantPlans.Of(tenant.Plan);
        return new(
            tenant.Id,
            tenant.DisplayName,
            tenant.Plan,
            tenant.Status,
            tenant.StripeCustomerId,
            tenant.CreatedAt.UtcDateTime,
            tenant.UpdatedAt.UtcDateTime,
            tenant.UpdatedBy,
            new TenantLimits(plan.MaxRetentionDays, plan.Scale(rates.EventsPerSecond), plan.Scale(rates.Burst))
        );
    }
}

/// <summary>The plan's ceilings: the longest retention, and the rate of keys that set none of their own.</summary>
public sealed record TenantLimits(int MaxRetentionDays, int DefaultRatePerSecond, int DefaultBurst);
