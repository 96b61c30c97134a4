namespace PitPlatform.Access.Tenants;

/// <summary>
/// A tenant is active or suspended; a suspended tenant keeps its data, and its keys are refused until resumed.
/// </summary>
public static class TenantStatus
{
    public const string Active = "active";
    public const string Suspended = "suspended";
}
