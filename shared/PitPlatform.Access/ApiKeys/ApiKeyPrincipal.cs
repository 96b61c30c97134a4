namespace PitPlatform.Access.ApiKeys;

/// <summary>Who is calling: the tenant, scopes and rate of an authenticated key, named by its public prefix.</summary>
public sealed record ApiKeyPrincipal(string KeyPrefix, string Tenant, IReadOnlySet<string> Scopes, int? RatePerSecond = null, int? Burst = null)
{
    public bool Has(string scope) => Scopes.Contains(scope);
}
