using Npgsql;

namespace PitPlatform.Access.Tenants;

/// <summary>
/// Tenants in Postgres (table tenants). Changes take the caller's connection and transaction, so a change and its
/// audit entry commit together; reads join billing's tenant-to-Stripe-customer map instead of keeping a copy.
/// </summary>
public class TenantStore(NpgsqlDataSource dataSource)
{
    private const string Select = """
        SELECT t.id, t.display_name, t.plan, t.status, b.stripe_customer_id, t.created_at, t.updated_at, t.updated_by
        FROM tenants t LEFT JOIN billing_customers b ON b.tenant = t.id
        """;

    /// <summary>Inserts a tenant; false when the id is taken.</summary>
    public virtual async Task<bool> InsertAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string id,
        string displayName,
        string plan,
        string by,
        CancellationToken cancellationToken = default
    )
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO tenants (id, display_name, plan, updated_by) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING
            """,
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = displayName });
        command.Parameters.Add(new() { Value = plan });
        command.Parameters.Add(new() { Value = by });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Makes sure a tenant exists (the local host's dev tenant), leaving an existing one as it is.</summary>
    public virtual async Task EnsureAsync(
        string id,
        string displayName,
        string plan,
        string by,
        CancellationToken cancellationToken = default
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await InsertAsync(connection, transaction, id, displayName, plan, by, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public virtual async Task<Tenant?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(Select + " WHERE t.id = $1");
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <summary>The tenant locked for a change in the caller's transaction, or null.</summary>
    public virtual async Task<Tenant?> LockAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string id,
        CancellationToken cancellationToken = default
    )
    {
        await using var command = new NpgsqlCommand(
            Select + " WHERE t.id = $1 FOR UPDATE OF t",
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <summary>Every tenant, by id.</summary>
    public virtual async Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(Select + " ORDER BY t.id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var tenants = new List<Tenant>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            tenants.Add(Read(reader));
        return tenants;
    }

    /// <summary>Sets what is not null among display name, plan and status.</summary>
    public virtual async Task UpdateAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string id,
        string? displayName,
        string? plan,
        string? status,
        string by,
        CancellationToken cancellationToken = default
    )
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE tenants SET display_name = coalesce($2, display_name), plan = coalesce($3, plan), status = coalesce($4, status),
                updated_at = now(), updated_by = $5
            WHERE id = $1
            """,
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(
            new() { Value = (object?)displayName ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
        );
        command.Parameters.Add(
            new() { Value = (object?)plan ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
        );
        command.Parameters.Add(
            new() { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
        );
        command.Parameters.Add(new() { Value = by });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Tenant Read(NpgsqlDataReader reader) =>
        new(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.GetFieldValue<DateTimeOffset>(5),
            reader.GetFieldValue<DateTimeOffset>(6),
            reader.GetString(7)
        );
}
