using Npgsql;
using PitPlatform.Access.Tenants;

namespace PitPlatform.Governance.Deletion;

/// <summary>
/// What an offboarding removes beyond the tenant's data: its API keys, its people's memberships, its settings
/// (retention, redaction), billing's map to its Stripe customer, and its tenant record. The audit trail stays
/// (append-only, and it records the deletion), and so do the governance requests with their receipts and the billing
/// reports already sent to Stripe.
/// </summary>
public static class OffboardingPurges
{
    /// <summary>Tables of the tenant's account, in the order they are emptied (the tenant record last).</summary>
    public static readonly IReadOnlyList<(string Table, string Column)> AccountTables =
    [
        ("api_keys", "tenant"),
        ("memberships", "tenant"),
        ("retention_policies", "tenant"),
        ("tenant_redaction", "tenant"),
        ("billing_customers", "tenant"),
        ("tenants", "id"),
    ];

    /// <summary>
    /// On approval: the tenant is suspended at once, so nothing new arrives while its data is removed.
    /// </summary>
    public static async Task SuspendAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenant,
        string by,
        CancellationToken cancellationToken
    )
    {
        await using var command = new NpgsqlCommand(
            "UPDATE tenants SET status = $2, updated_at = now(), updated_by = $3 WHERE id = $1",
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = tenant });
        command.Parameters.Add(new() { Value = TenantStatus.Suspended });
        command.Parameters.Add(new() { Value = by });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes the account's rows; counts per table. Nothing for a deletion that is not an offboarding.
    /// </summary>
    public static async Task<Dictionary<string, long>> AccountAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenant,
        DeletionScope scope,
        CancellationToken cancellationToken
    )
    {
        var counts = new Dictionary<string, long>();
        if (!scope.Offboarding)
            return counts;
        foreach (var (table, column) in AccountTables)
        {
            await using var command = new NpgsqlCommand(
                $"DELETE FROM {table} WHERE {column} = $1",
                connection,
                transaction
            );
            command.Parameters.Add(new() { Value = tenant });
            counts[$"postgres.{table}"] = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return counts;
    }
}
