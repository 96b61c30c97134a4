using Npgsql;

namespace PitPlatform.Access.ApiKeys;

/// <summary>API keys in Postgres (table api_keys). Only the peppered hash of a secret is ever written.</summary>
public class ApiKeyStore(NpgsqlDataSource dataSource, ApiKeyHasher hasher)
{
    /// <summary>Creates a key; the returned text is the only time the secret exists outside the caller.</summary>
    public virtual async Task<ApiKeyText> CreateAsync(string tenant, IReadOnlyCollection<string> scopes, string name, CancellationToken cancellationToken = default)
    {
        var key = ApiKeyText.Generate();
        await UpsertAsync(key, tenant, scopes, name, cancellationToken).ConfigureAwait(false);
        return key;
    }

    /// <summary>Stores a key whose text is chosen elsewhere (the local host's development key); re-enables it if revoked.</summary>
    public virtual async Task UpsertAsync(ApiKeyText key, string tenant, IReadOnlyCollection<string> scopes, string name, CancellationToken cancellationToken = default)
    {
        Validate(tenant, scopes);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO api_keys (prefix, secret_hash, tenant, scopes, name) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (prefix) DO UPDATE SET secret_hash = excluded.secret_hash, tenant = excluded.tenant,
                scopes = excluded.scopes, name = excluded.name, revoked_at = NULL
            """);
        command.Parameters.Add(new() { Value = key.Prefix });
        command.Parameters.Add(new() { Value = hasher.Hash(key) });
        command.Parameters.Add(new() { Value = tenant });
        command.Parameters.Add(new() { Value = scopes.ToArray() });
        command.Parameters.Add(new() { Value = name });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stored hash and grants of <paramref name="prefix"/>, or null.</summary>
    public virtual async Task<StoredApiKey?> FindAsync(string prefix, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT secret_hash, tenant, scopes, revoked_at IS NOT NULL FROM api_keys WHERE prefix = $1");
        command.Parameters.Add(new() { Value = prefix });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        return new StoredApiKey(prefix, (byte[])reader[0], reader.GetString(1), reader.GetFieldValue<string[]>(2), reader.GetBoolean(3));
    }

    public virtual async Task<bool> RevokeAsync(string prefix, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("UPDATE api_keys SET revoked_at = now() WHERE prefix = $1 AND revoked_at IS NULL");
        command.Parameters.Add(new() { Value = prefix });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static void Validate(string tenant, IReadOnlyCollection<string> scopes)
    {
        if (Contracts.Keys.KeySegment.Check("tenant", tenant) is { } error) throw new ArgumentException(error, nameof(tenant));
        var unknown = scopes.Except(ApiKeyScope.All).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"unknown scopes: {string.Join(", ", unknown)}", nameof(scopes));
    }
}

/// <summary>What the store keeps for a key.</summary>
public sealed record StoredApiKey(string Prefix, byte[] SecretHash, string Tenant, IReadOnlyList<string> Scopes, bool Revoked);
