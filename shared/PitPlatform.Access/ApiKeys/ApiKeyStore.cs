using Npgsql;

namespace PitPlatform.Access.ApiKeys;

/// <summary>API keys in Postgres (table api_keys). Only the peppered hash of a secret is ever written.</summary>
public class ApiKeyStore(NpgsqlDataSource dataSource, ApiKeyHasher hasher)
{
    /// <summary>Creates a key; the returned text is the only time the secret exists outside the caller.</summary>
    public virtual async Task<ApiKeyText> CreateAsync(
        string tenant,
        IReadOnlyCollection<string> scopes,
        string name,
        int? ratePerSecond = null,
        int? burst = null,
        CancellationToken cancellationToken = default
    ) =>
        await CreateAsync(tenant, scopes, name, principal: null, ratePerSecond, burst, cancellationToken)
            .ConfigureAwait(false);

    /// <summary>
    /// Creates a key held by <paramref name="principal"/> (null: the key's own prefix stands for its holder).
    /// </summary>
    public virtual async Task<ApiKeyText> CreateAsync(
        string tenant,
        IReadOnlyCollection<string> scopes,
        string name,
        string? principal,
        int? ratePerSecond = null,
        int? burst = null,
        CancellationToken cancellationToken = default
    )
    {
        var key = ApiKeyText.Generate();
        await UpsertAsync(key, tenant, scopes, name, ratePerSecond, burst, principal, cancellationToken)
            .ConfigureAwait(false);
        return key;
    }

    /// <summary>
    /// Stores a key whose text is chosen elsewhere (the local host's development key); re-enables it if revoked.
    /// </summary>
    public virtual async Task UpsertAsync(
        ApiKeyText key,
        string tenant,
        IReadOnlyCollection<string> scopes,
        string name,
        int? ratePerSecond = null,
        int? burst = null,
        CancellationToken cancellationToken = default
    ) =>
        await UpsertAsync(key, tenant, scopes, name, ratePerSecond, burst, principal: null, cancellationToken)
            .ConfigureAwait(false);

    /// <summary>As the overload above, naming the key's holder (<paramref name="principal"/>).</summary>
    public virtual async Task UpsertAsync(
        ApiKeyText key,
        string tenant,
        IReadOnlyCollection<string> scopes,
        string name,
        int? ratePerSecond,
        int? burst,
        string? principal,
        CancellationToken cancellationToken = default
    )
    {
        Validate(tenant, scopes, ratePerSecond, burst);
        if (principal is { Length: 0 or > 256 })
            throw new ArgumentException("principal must be 1 to 256 characters", nameof(principal));
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO api_keys (prefix, secret_hash, tenant, scopes, name, rate_per_second, burst, principal) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (prefix) DO UPDATE SET secret_hash = excluded.secret_hash, tenant = excluded.tenant, scopes = excluded.scopes,
                name = excluded.name, rate_per_second = excluded.rate_per_second, burst = excluded.burst, principal = excluded.principal,
                revoked_at = NULL
            """
        );
        command.Parameters.Add(new() { Value = key.Prefix });
        command.Parameters.Add(new() { Value = hasher.Hash(key) });
        command.Parameters.Add(new() { Value = tenant });
        command.Parameters.Add(new() { Value = scopes.ToArray() });
        command.Parameters.Add(new() { Value = name });
        command.Parameters.Add(
            new() { Value = (object?)ratePerSecond ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer }
        );
        command.Parameters.Add(
            new() { Value = (object?)burst ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer }
        );
        command.Parameters.Add(
            new() { Value = (object?)principal ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
        );
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a key in the caller's transaction (a new tenant's first key commits with the tenant).</summary>
    public virtual Task<ApiKeyText> CreateAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenant,
        IReadOnlyCollection<string> scopes,
        string name,
        string? principal,
        CancellationToken cancellationToken = default
    ) => CreateAsync(connection, transaction, tenant, scopes, name, principal, null, null, cancellationToken);

    /// <summary>As the overload above, with the key's own rate (a key made through the admin API, audited).</summary>
    public virtual async Task<ApiKeyText> CreateAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenant,
        IReadOnlyCollection<string> scopes,
        string name,
        string? principal,
        int? ratePerSecond,
        int? burst,
        CancellationToken cancellationToken = default
    )
    {
        Validate(tenant, scopes, ratePerSecond, burst);
        if (principal is { Length: 0 or > 256 })
            throw new ArgumentException("principal must be 1 to 256 characters", nameof(principal));
        var key = ApiKeyText.Generate();
        await using var command = new NpgsqlCommand(
            "INSERT INTO api_keys (prefix, secret_hash, tenant, scopes, name, principal, rate_per_second, burst) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = key.Prefix });
        command.Parameters.Add(new() { Value = hasher.Hash(key) });
        command.Parameters.Add(new() { Value = tenant });
        command.Parameters.Add(new() { Value = scopes.ToArray() });
        command.Parameters.Add(new() { Value = name });
        command.Parameters.Add(
            new() { Value = (object?)principal ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
        );
        command.Parameters.Add(
            new() { Value = (object?)ratePerSecond ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer }
        );
        command.Parameters.Add(
            new() { Value = (object?)burst ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer }
        );
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return key;
    }

    /// <summary>
    /// The stored hash and grants of <paramref name="prefix"/>, with its tenant's status and plan, or null.
    /// </summary>
    public virtual async Task<StoredApiKey?> FindAsync(string prefix, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT k.secret_hash, k.tenant, k.scopes, k.revoked_at IS NOT NULL, k.rate_per_second, k.burst, k.principal, t.status, t.plan
            FROM api_keys k LEFT JOIN tenants t ON t.id = k.tenant WHERE k.prefix = $1
            """
        );
        command.Parameters.Add(new() { Value = prefix });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            return null;
        return new StoredApiKey(
            prefix,
            (byte[])reader[0],
            reader.GetString(1),
            reader.GetFieldValue<string[]>(2),
            reader.GetBoolean(3),
            reader.IsDBNull(4) ? null : reader.GetInt32(4),
            reader.IsDBNull(5) ? null : reader.GetInt32(5)
        )
        {
            Principal = reader.IsDBNull(6) ? null : reader.GetString(6),
            TenantSuspended = !reader.IsDBNull(7) && reader.GetString(7) == Tenants.TenantStatus.Suspended,
            Plan = reader.IsDBNull(8) ? null : reader.GetString(8),
        };
    }

    /// <summary>The keys of one tenant, newest first.</summary>
    public virtual async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(
        string tenant,
        CancellationToken cancellationToken = default
    )
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT prefix, tenant, scopes, name, created_at, revoked_at, last_used_at, rate_per_second, burst, coalesce(principal, prefix)
            FROM api_keys WHERE tenant = $1 ORDER BY created_at DESC, prefix
            """
        );
        command.Parameters.Add(new() { Value = tenant });
        var keys = new List<ApiKeyRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(
                new ApiKeyRecord(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetFieldValue<string[]>(2),
                    reader.GetString(3),
                    reader.GetFieldValue<DateTimeOffset>(4),
                    reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                    reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                    reader.IsDBNull(7) ? null : reader.GetInt32(7),
                    reader.IsDBNull(8) ? null : reader.GetInt32(8)
                )
                {
                    Principal = reader.GetString(9),
                }
            );
        }
        return keys;
    }

    /// <summary>As <see cref="RevokeAsync(string, string, CancellationToken)"/>, in the caller's transaction.</summary>
    public virtual async Task<bool> RevokeAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenant,
        string prefix,
        CancellationToken cancellationToken = default
    )
    {
        await using var command = new NpgsqlCommand(
            "UPDATE api_keys SET revoked_at = now() WHERE prefix = $1 AND tenant = $2 AND revoked_at IS NULL",
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = prefix });
        command.Parameters.Add(new() { Value = tenant });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Revokes a key of <paramref name="tenant"/>; false when that tenant has no such active key.</summary>
    public virtual async Task<bool> RevokeAsync(
        string tenant,
        string prefix,
        CancellationToken cancellationToken = default
    )
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE api_keys SET revoked_at = now() WHERE prefix = $1 AND tenant = $2 AND revoked_at IS NULL"
        );
        command.Parameters.Add(new() { Value = prefix });
        command.Parameters.Add(new() { Value = tenant });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// Revokes the active keys of <paramref name="tenant"/> held by <paramref name="principal"/> that hold any scope
    /// outside <paramref name="allowedScopes"/> (none allowed: all of them), in the caller's transaction; their
    /// prefixes. A person's keys never outlive, or outrank, their membership.
    /// </summary>
    public virtual async Task<IReadOnlyList<string>> RevokeBeyondAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenant,
        string principal,
        IReadOnlyCollection<string> allowedScopes,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(allowedScopes);
        await using var command = new NpgsqlCommand(
            """
            UPDATE api_keys SET revoked_at = now()
            WHERE tenant = $1 AND principal = $2 AND revoked_at IS NULL AND NOT (scopes <@ $3)
            RETURNING prefix
            """,
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = tenant });
        command.Parameters.Add(new() { Value = principal });
        command.Parameters.Add(new() { Value = allowedScopes.ToArray() });
        var prefixes = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            prefixes.Add(reader.GetString(0));
        prefixes.Sort(StringComparer.Ordinal);
        return prefixes;
    }

    /// <summary>Records that the key was used (callers throttle this; it is bookkeeping, not security).</summary>
    public virtual async Task TouchAsync(string prefix, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE api_keys SET last_used_at = now() WHERE prefix = $1"
        );
        command.Parameters.Add(new() { Value = prefix });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Validate(string tenant, IReadOnlyCollection<string> scopes, int? ratePerSecond, int? burst)
    {
        if (Contracts.Keys.KeySegment.Check("tenant", tenant) is { } error)
            throw new ArgumentException(error, nameof(tenant));
        var unknown = scopes.Except(ApiKeyScope.Known).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"unknown scopes: {string.Join(", ", unknown)}", nameof(scopes));
        if (scopes.Count == 0)
            throw new ArgumentException("a key needs at least one scope", nameof(scopes));
        if (ratePerSecond is < 1)
            throw new ArgumentException("rate_per_second must be positive", nameof(ratePerSecond));
        if (burst is < 1)
            throw new ArgumentException("burst must be positive", nameof(burst));
    }
}

/// <summary>What the store keeps for a key.</summary>
public sealed record StoredApiKey(
    string Prefix,
    byte[] SecretHash,
    string Tenant,
    IReadOnlyList<string> Scopes,
    bool Revoked,
    int? RatePerSecond = null,
    int? Burst = null
)
{
    /// <summary>Who holds the key; null when none was named (the prefix stands for the holder).</summary>
    public string? Principal { get; init; }

    /// <summary>Whether the key's tenant is suspended (its keys are refused; nothing of it is lost).</summary>
    public bool TenantSuspended { get; init; }

    /// <summary>The plan of the key's tenant; null when the tenant has no record.</summary>
    public string? Plan { get; init; }
}
