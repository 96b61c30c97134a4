using Npgsql;

namespace PitPlatform.Billing.Metering;

/// <summary>
/// The billing tables (migrations 0015, 0016): tenant-to-customer mapping, reports sent and pending, skips.
/// </summary>
public class BillingStore(NpgsqlDataSource database)
{
    /// <summary>For mocking.</summary>
    protected BillingStore()
        : this(null!) { }

    public NpgsqlDataSource Database => database;

    public virtual async Task<Dictionary<string, string>> LoadCustomersAsync(
        CancellationToken cancellationToken = default
    )
    {
        await using var command = database.CreateCommand("SELECT tenant, stripe_customer_id FROM billing_customers");
        var customers = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            customers[reader.GetString(0)] = reader.GetString(1);
        return customers;
    }

    public virtual async Task<string?> FindCustomerAsync(string tenant, CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand(
            "SELECT stripe_customer_id FROM billing_customers WHERE tenant = $1"
        );
        command.Parameters.Add(new() { Value = tenant });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>
    /// Sets a tenant's customer inside the caller's transaction (so its audit entry commits with it).
    /// </summary>
    public static async Task SetCustomerAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenant,
        string customer,
        string updatedBy,
        CancellationToken cancellationToken
    )
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO billing_customers (tenant, stripe_customer_id, updated_by) VALUES ($1, $2, $3)
            ON CONFLICT (tenant) DO UPDATE SET stripe_customer_id = excluded.stripe_customer_id, updated_at = now(), updated_by = excluded.updated_by
            """,
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = tenant });
        command.Parameters.Add(new() { Value = customer });
        command.Parameters.Add(new() { Value = updatedBy });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every report of periods in [from, to], and every pending report whatever its period.</summary>
    public virtual async Task<IReadOnlyList<BillingReport>> LoadReportsAsync(
        DateOnly from,
        DateOnly to,
        string? tenant = null,
        CancellationToken cancellationToken = default
    )
    {
        await using var command = database.CreateCommand(
            """
            SELECT tenant, meter, period, revision, identifier, event_name, stripe_customer_id, value, event_timestamp, status, attempts, last_error
            FROM billing_reports
            WHERE (period BETWEEN $1 AND $2 OR status = 'pending') AND ($3::text IS NULL OR tenant = $3)
            ORDER BY tenant, meter, period, revision
            """
        );
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        command.Parameters.Add(
            new() { Value = (object?)tenant ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
        );
        var reports = new List<BillingReport>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            reports.Add(
                new BillingReport(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetFieldValue<DateOnly>(2),
                    reader.GetInt32(3),
                    reader.GetString(4),
                    reader.GetString(5),
                    reader.GetString(6),
                    reader.GetInt64(7),
                    reader.GetFieldValue<DateTimeOffset>(8),
                    reader.GetString(9),
                    reader.GetInt32(10),
                    reader.IsDBNull(11) ? null : reader.GetString(11)
                )
            );
        }
        return reports;
    }

    /// <summary>Records reports as pending before they are sent; a row that already exists is left as it is.</summary>
    public virtual async Task InsertPendingAsync(
        IReadOnlyCollection<BillingReport> reports,
        CancellationToken cancellationToken = default
    )
    {
        if (reports.Count == 0)
            return;
        await using var command = database.CreateCommand(
            """
            INSERT INTO billing_reports (tenant, meter, period, revision, identifier, event_name, stripe_customer_id, value, event_timestamp, status)
            SELECT *, 'pending' FROM unnest($1::text[], $2::text[], $3::date[], $4::int[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::timestamptz[])
            ON CONFLICT DO NOTHING
            """
        );
        command.Parameters.Add(new() { Value = reports.Select(r => r.Tenant).ToArray() });
        command.Parameters.Add(new() { Value = reports.Select(r => r.Meter).ToArray() });
        command.Parameters.Add(new() { Value = reports.Select(r => r.Period).ToArray() });
        command.Parameters.Add(new() { Value = reports.Select(r => r.Revision).ToArray() });
        command.Parameters.Add(new() { Value = reports.Select(r => r.Identifier).ToArray() });
        command.Parameters.Add(new() { Value = reports.Select(r => r.EventName).ToArray() });
        command.Parameters.Add(new() { Value = reports.Select(r => r.StripeCustomerId).ToArray() });
        command.Parameters.Add(new() { Value = reports.Select(r => r.Value).ToArray() });
        command.Parameters.Add(new() { Value = reports.Select(r => r.EventTimestamp.UtcDateTime).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks a report delivered, with Stripe's answer, inside the caller's transaction.</summary>
    public static async Task MarkReportedAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string identifier,
        string? requestId,
        string? response,
        CancellationToken cancellationToken
    )
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE billing_reports SET status = 'reported', reported_at = now(), attempts = attempts + 1, last_error = NULL,
                   stripe_request_id = $2, stripe_response = $3::jsonb
            WHERE identifier = $1
            """,
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = identifier });
        command.Parameters.Add(
            new() { Value = (object?)requestId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
        );
        command.Parameters.Add(
            new() { Value = (object?)response ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
        );
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public virtual async Task UpdatePendingCustomerAsync(
        string identifier,
        string customer,
        CancellationToken cancellationToken = default
    )
    {
        await using var command = database.CreateCommand(
            "UPDATE billing_reports SET stripe_customer_id = $2 WHERE identifier = $1 AND status = 'pending'"
        );
        command.Parameters.Add(new() { Value = identifier });
        command.Parameters.Add(new() { Value = customer });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Keeps a report pending, counting the attempt and keeping Stripe's error for the operator.</summary>
    public virtual async Task MarkFailedAsync(
        string identifier,
        string error,
        string? requestId,
        CancellationToken cancellationToken = default
    )
    {
        await using var command = database.CreateCommand(
            "UPDATE billing_reports SET attempts = attempts + 1, last_error = $2, stripe_request_id = $3 "
                + "WHERE identifier = $1 AND status = 'pending'"
        );
        command.Parameters.Add(new() { Value = identifier });
        command.Parameters.Add(new() { Value = error });
        command.Parameters.Add(
            new() { Value = (object?)requestId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
        );
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records usage skipped for want of a customer, inside the caller's transaction; true the first time for this
    /// tenant, meter and period.
    /// </summary>
    public static async Task<bool> RecordSkipAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        MeteredUsage usage,
        CancellationToken cancellationToken
    )
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO billing_skips AS s (tenant, meter, period, value) VALUES ($1, $2, $3, $4)
            ON CONFLICT (tenant, meter, period) DO UPDATE SET value = excluded.value, last_seen = now()
            RETURNING (xmax = 0)
            """,
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = usage.Tenant });
        command.Parameters.Add(new() { Value = usage.Meter });
        command.Parameters.Add(new() { Value = usage.Period });
        command.Parameters.Add(new() { Value = usage.Quantity });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
