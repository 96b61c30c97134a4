using Npgsql;

namespace PitPlatform.Access.People;

/// <summary>
/// Memberships in Postgres (table memberships); never cached, so a removal applies to the next request.
/// </summary>
public class MembershipStore(NpgsqlDataSource dataSource)
{
    private const string Select = """
        SELECT m.issuer, m.subject, m.tenant, m.role, m.name, m.email, m.created_at, m.created_by, t.status, t.plan
        FROM memberships m LEFT JOIN tenants t ON t.id = m.tenant
        """;

    /// <summary>The person's memberships, by tenant.</summary>
    public virtual async Task<IReadOnlyList<Membership>> OfPersonAsync(
        string issuer,
        string subject,
        CancellationToken cancellationToken = default
    )
    {
        await using var command = dataSource.CreateCommand(
            Select + " WHERE m.issuer = $1 AND m.subject = $2 ORDER BY m.tenant"
        );
        command.Parameters.Add(new() { Value = issuer });
        command.Parameters.Add(new() { Value = subject });
        return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tenant's members, by subject.</summary>
    public virtual async Task<IReadOnlyList<Membership>> OfTenantAsync(
        string tenant,
        CancellationToken cancellationToken = default
    )
    {
        await using var command = dataSource.CreateCommand(
            Select + " WHERE m.tenant = $1 ORDER BY m.subject, m.issuer"
        );
        command.Parameters.Add(new() { Value = tenant });
        return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds the person to the tenant, or changes their role; in the caller's transaction (with its audit entry).
    /// </summary>
    public virtual async Task UpsertAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        Membership membership,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(membership);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO memberships (issuer, subject, tenant, role, name, email, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (issuer, subject, tenant) DO UPDATE SET role = excluded.role, name = excluded.name, email = excluded.email
            """,
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = membership.Issuer });
        command.Parameters.Add(new() { Value = membership.Subject });
        command.Parameters.Add(new() { Value = membership.Tenant });
        command.Parameters.Add(new() { Value = membership.Role });
        command.Parameters.Add(
            new() { Value = (object?)membership.Name ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
        );
        command.Parameters.Add(
            new() { Value = (object?)membership.Email ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
        );
        command.Parameters.Add(new() { Value = membership.CreatedBy });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes every membership of the subject in the tenant; how many.</summary>
    public virtual async Task<int> DeleteAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenant,
        string subject,
        CancellationToken cancellationToken = default
    )
    {
        await using var command = new NpgsqlCommand(
            "DELETE FROM memberships WHERE tenant = $1 AND subject = $2",
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = tenant });
        command.Parameters.Add(new() { Value = subject });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<Membership>> ReadAllAsync(
        NpgsqlCommand command,
        CancellationToken cancellationToken
    )
    {
        var found = new List<Membership>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(
                new Membership(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.GetFieldValue<DateTimeOffset>(6),
                    reader.GetString(7)
                )
                {
                    TenantSuspended = !reader.IsDBNull(8) && reader.GetString(8) == Tenants.TenantStatus.Suspended,
                    Plan = reader.IsDBNull(9) ? null : reader.GetString(9),
                }
            );
        }
        return found;
    }
}
