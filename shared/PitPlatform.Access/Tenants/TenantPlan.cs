namespace PitPlatform.Access.Tenants;

/// <summary>
/// What a plan allows: the longest retention a tenant may set, and the factor on the deployment's default key rate
/// (PIT_RATE_LIMIT_PER_SECOND and PIT_RATE_LIMIT_BURST) for keys that set no rate of their own.
/// </summary>
public sealed record TenantPlan(string Name, int MaxRetentionDays, int RateMultiplier)
{
    /// <summary>The default rate or burst scaled by the plan, saturating instead of overflowing.</summary>
    public int Scale(int value) => (int)Math.Min(int.MaxValue, (long)value * RateMultiplier);
}
