using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PitPlatform.Access.ApiKeys;

/// <summary>
/// Turns an Authorization header into a principal. Lookups are cached for <see cref="CacheDuration"/>, which is
/// therefore how long a revocation can take to reach a running instance. An unknown prefix and a wrong secret give
/// the same answer, after the same hashing work, so responses never reveal whether a prefix exists. The lookup reads
/// the tenant's status and plan with the key, so a suspension also reaches other instances within the cache duration.
/// </summary>
public class ApiKeyAuthenticator(
    ApiKeyStore store,
    ApiKeyHasher hasher,
    TimeProvider time,
    ILogger<ApiKeyAuthenticator> logger
)
{
    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(5);

    /// <summary>last_used_at is bookkeeping: written at most this often per key, off the request path.</summary>
    public static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _touched = new(StringComparer.Ordinal);
    private static readonly byte[] NoHash = new byte[32];
    private readonly ConcurrentDictionary<string, (StoredApiKey? Key, DateTimeOffset Expires)> _cache = new();

    public virtual async Task<ApiKeyPrincipal?> AuthenticateAsync(
        string? authorizationHeader,
        CancellationToken cancellationToken = default
    )
    {
        if (
            authorizationHeader is null
            || !authorizationHeader.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        )
            return null;
        if (!ApiKeyText.TryParse(authorizationHeader[7..].Trim(), out var key))
            return null;
        var stored = await LookupAsync(key.Prefix, cancellationToken).ConfigureAwait(false);
        var matches = hasher.Matches(key, stored?.SecretHash ?? NoHash);
        if (stored is null || !matches || stored.Revoked)
            return null;
        Touch(stored.Prefix);
        return new ApiKeyPrincipal(
            stored.Prefix,
            stored.Tenant,
            stored.Scopes.ToHashSet(StringComparer.Ordinal),
            stored.RatePerSecond,
            stored.Burst
        )
        {
            Principal = stored.Principal!,
            TenantSuspended = stored.TenantSuspended,
            Plan = Tenants.TenantPlans.Of(stored.Plan),
        };
    }

    /// <summary>Forgets a cached lookup, so a revocation through this instance takes effect at once.</summary>
    public virtual void Forget(string prefix) => _cache.TryRemove(prefix, out _);

    /// <summary>
    /// Forgets every cached lookup, so a tenant's suspension, resumption or plan reaches this instance at once.
    /// </summary>
    public virtual void ForgetAll() => _cache.Clear();

    private void Touch(string prefix)
    {
        var now = time.GetUtcNow();
        if (_touched.TryGetValue(prefix, out var last) && now - last < TouchInterval)
            return;
        _touched[prefix] = now;
        _ = Task.Run(async () =>
        {
            try
            {
                await store.TouchAsync(prefix).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "could not record the use of key {Prefix}", prefix);
            }
        });
    }

    private async Task<StoredApiKey?> LookupAsync(string prefix, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(prefix, out var cached) && cached.Expires > now)
            return cached.Key;
        var stored = await store.FindAsync(prefix, cancellationToken).ConfigureAwait(false);
        if (_cache.Count > 100_000)
            _cache.Clear(); // bound memory against floods of random prefixes
        _cache[prefix] = (stored, now + CacheDuration);
        return stored;
    }
}
