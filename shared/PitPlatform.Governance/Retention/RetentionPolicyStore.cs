using Npgsql;

namespace PitPlatform.Governance.Retention;

/// <summary>
/// Per-tenant retention policies (retention_policies, migration 0014). A tenant without a row has the configured
/// default. <see cref="IsWithinBounds"/> tells whether an admin may set a length alone; outside the bounds the change
/// goes through an approved governance request, whose workflow then calls
/// <see cref="SetAsync(NpgsqlConnection, NpgsqlTransaction, string, int, string?, string, CancellationToken)"/>.
/// </summary>
public class RetentionPolicyStore(NpgsqlDataSource database, RetentionSettings settings)
{
    /// <summary>For mocking.</summary>
    protected RetentionPolicyStore()
        : this(null!, new RetentionSettings()) { }

    public RetentionSettings Settings { get; } = settings;

    public virtual bool IsWithinBounds(int days) => Settings.IsWithinBounds(days);

    public virtual async Task<RetentionPolicy> GetAsync(string tenant, CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand(SelectPolicy);
        return await ReadAsync(command, tenant, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the policy inside the caller's transaction (an approval reads the days before its change).
    /// </summary>
    public virtual async Task<RetentionPolicy> GetAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenant,
        CancellationToken cancellationToken = default
    )
    {
        await using var command = new NpgsqlCommand(SelectPolicy + " FOR UPDATE", connection, transaction);
        return await ReadAsync(command, tenant, cancellationToken).ConfigureAwait(false);
    }

    private const string SelectPolicy =
        "SELECT days, tier, updated_by, updated_at FROM retention_policies WHERE tenant = $1";

    private async Task<RetentionPolicy> ReadAsync(
        NpgsqlCommand command,
        string tenant,
        CancellationToken cancellationToken
    )
    {
        command.Parameters.Add(new() { Value = tenant });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new RetentionPolicy(
                tenant,
                reader.GetInt32(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                false,
                reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3)
            )
            : Default(tenant);
    }

    /// <summary>
    /// Sets the policy in its own transaction. Bounds are the caller's business (see <see cref="IsWithinBounds"/>).
    /// </summary>
    public virtual async Task<RetentionPolicy> SetAsync(
        string tenant,
        int days,
        string? tier,
        string updatedBy,
        CancellationToken cancellationToken = default
    )
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var policy = await SetAsync(connection, tx, tenant, days, tier, updatedBy, cancellationToken)
            .ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return policy;
    }

    /// <summary>
    /// Sets the policy inside the caller's transaction, so the change and its audit entry commit together.
    /// </summary>
    public virtual async Task<RetentionPolicy> SetAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenant,
        int days,
        string? tier,
        string updatedBy,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO retention_policies (tenant, days, tier, updated_by) VALUES ($1, $2, $3, $4)
            ON CONFLICT (tenant) DO UPDATE SET days = excluded.days, tier = excluded.tier, updated_by = excluded.updated_by, updated_at = now()
            RETURNING updated_at
            """,
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = tenant });
        command.Parameters.Add(new() { Value = days });
        command.Parameters.Add(
            new() { Value = (object?)tier ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
        );
        command.Parameters.Add(new() { Value = updatedBy });
        var at = (DateTime)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return new RetentionPolicy(tenant, days, tier, false, updatedBy, new DateTimeOffset(at, TimeSpan.Zero));
    }

    /// <summary>
    /// Every tenant the platform knows (API keys, policies, metered events) with its policy: the tenants the scheduler
    /// emits sweeps for.
    /// </summary>
    public virtual async Task<IReadOnlyList<RetentionPolicy>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand(
            """
            WITH tenants AS (SELECT tenant FROM api_keys UNION SELECT tenant FROM retention_policies UNION SELECT DISTINCT tenant FROM events_daily)
            SELECT t.tenant, p.days, p.tier, p.updated_by, p.updated_at
            FROM tenants t LEFT JOIN retention_policies p USING (tenant) ORDER BY t.tenant
            """
        );
        var policies = new List<RetentionPolicy>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var tenant = reader.GetString(0);
            policies.Add(
                reader.IsDBNull(1)
                    ? Default(tenant)
                    : new RetentionPolicy(
                        tenant,
                        reader.GetInt32(1),
                        reader.IsDBNull(2) ? null : reader.GetString(2),
                        false,
                        reader.GetString(3),
                        reader.GetFieldValue<DateTimeOffset>(4)
                    )
            );
        }
        return policies;
    }

    /// <summary>
    /// The longest retention any tenant has (at least the default): data shared by tenants expires only past it.
    /// </summary>
    public virtual async Task<int> LongestDaysAsync(CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand("SELECT max(days) FROM retention_policies");
        var longest = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return longest is int days ? Math.Max(days, Settings.DefaultDays) : Settings.DefaultDays;
    }

    private RetentionPolicy Default(string tenant) => new(tenant, Settings.DefaultDays, null, true, null, null);
}
