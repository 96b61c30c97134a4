namespace PitPlatform.Access.Tenants;

/// <summary>
/// Operator keys (scope operator) manage tenants and belong to none of them: they are stored under this reserved
/// tenant id, which no tenant may take, so an operator key never reads or writes a tenant's data.
/// </summary>
public static class OperatorKeys
{
    public const string Tenant = "platform";
}
