using System.Collections.Concurrent;
using Npgsql;

namespace PitPlatform.Ingestion.Redaction;

/// <summary>
/// Each tenant's redaction policy (table tenant_redaction, defaults when absent) with its HMAC key, cached for
/// <see cref="CacheDuration"/> so ingest does not query Postgres per request.
/// </summary>
public class TenantRedactionPolicies(NpgsqlDataSource database, TenantRedactionKeys keys, TimeProvider time)
{
    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (RedactionPolicy Policy, DateTimeOffset Expires)> _cache = new(
        StringComparer.Ordinal
    );

    public virtual async Task<RedactionPolicy> GetAsync(string tenant, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(tenant, out var cached) && cached.Expires > now)
            return cached.Policy;
        await using var command = database.CreateCommand(
            "SELECT email, ssn, phone, card, ip, store_raw FROM tenant_redaction WHERE tenant = $1"
        );
        command.Parameters.Add(new() { Value = tenant });
        var policy = new RedactionPolicy { TenantKey = keys.KeyFor(tenant) };
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                policy = policy with
                {
                    Email = Mode(reader.GetString(0)),
                    Ssn = Mode(reader.GetString(1)),
                    Phone = Mode(reader.GetString(2)),
                    Card = Mode(reader.GetString(3)),
                    Ip = Mode(reader.GetString(4)),
                    StoreRaw = reader.GetBoolean(5),
                };
            }
        }
        _cache[tenant] = (policy, now + CacheDuration);
        return policy;
    }

    /// <summary>Drops a cached policy, so a change made through this instance applies to its next request.</summary>
    public virtual void Forget(string tenant) => _cache.TryRemove(tenant, out _);

    /// <summary>Unknown text in the table fails safe: the span is replaced.</summary>
    private static RedactionMode Mode(string text) =>
        Enum.TryParse<RedactionMode>(text, ignoreCase: true, out var mode) ? mode : RedactionMode.Replace;
}
