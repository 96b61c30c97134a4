namespace PitPlatform.Access.ApiKeys;

/// <summary>Who is calling: the tenant, scopes and rate of an authenticated key, named by its public prefix.</summary>
public sealed record ApiKeyPrincipal(
    string KeyPrefix,
    string Tenant,
    IReadOnlySet<string> Scopes,
    int? RatePerSecond = null,
    int? Burst = null
)
{
    private readonly string? _principal;

    /// <summary>
    /// Who holds the key (a person or service account, set when the key is created); the key's prefix when none was
    /// given. Approvals compare principals, not keys, so one person's two keys cannot approve each other.
    /// </summary>
    public string Principal
    {
        get => _principal ?? KeyPrefix;
        init => _principal = string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>
    /// Whether the key's tenant is suspended: <see cref="Http.RequestAuthentication"/> refuses such a key.
    /// </summary>
    public bool TenantSuspended { get; init; }

    /// <summary>The plan of the key's tenant (free when the tenant has no record).</summary>
    public Tenants.TenantPlan Plan { get; init; } = Tenants.TenantPlans.Free;

    /// <summary>The person signed in with an access token; null for an API key.</summary>
    public People.PersonIdentity? Person { get; init; }

    public bool Has(string scope) => Scopes.Contains(scope);
}
