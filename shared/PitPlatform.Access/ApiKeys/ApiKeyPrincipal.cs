namespace PitPlatform.Access.ApiKeys;

/// <summary>Who is calling: the tenant and scopes of an authenticated key, named by its public prefix.</summary>
public sealed record ApiKeyPrincipal(string KeyPrefix, string Tenant, IReadOnlySet<string> Scopes)
{
    public bool Has(string scope) => Scopes.Contains(scope);
}
