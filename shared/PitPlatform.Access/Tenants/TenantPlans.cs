namespace PitPlatform.Access.Tenants;

/// <summary>
/// Every plan, in one place. Free keeps data 90 days at the deployment's default rate; the paid plans keep it longer
/// and multiply the rate. A tenant without a record (a key made before tenants were records) is on <see cref="Free"/>.
/// </summary>
public static class TenantPlans
{
    public static readonly TenantPlan Free = new("free", MaxRetentionDays: 90, RateMultiplier: 1);
    public static readonly TenantPlan Team = new("team", MaxRetentionDays: 365, RateMultiplier: 5);
    public static readonly TenantPlan Pro = new("pro", MaxRetentionDays: 730, RateMultiplier: 20);

    public static readonly IReadOnlyList<TenantPlan> All = [Free, Team, Pro];

    public static TenantPlan? Find(string? name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));

    /// <summary>The plan named by a stored record, or free when there is none.</summary>
    public static TenantPlan Of(string? name) => Find(name) ?? Free;
}
