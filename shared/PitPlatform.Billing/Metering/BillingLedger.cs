using Npgsql;
using PitPlatform.Billing.Stripe;

namespace PitPlatform.Billing.Metering;

/// <summary>
/// The billing state changes that must be audited, each written in one transaction with its audit entry: a report
/// delivered (billing.reported), usage skipped for want of a customer (billing.customer_missing, once per tenant,
/// meter and period), a report Stripe refused (billing.failed), a tenant's customer set (billing.customer_set).
/// </summary>
public class BillingLedger(NpgsqlDataSource database)
{
    /// <summary>For mocking.</summary>
    protected BillingLedger() : this(null!) { }

    public virtual async Task ReportedAsync(BillingReport report, string? requestId, string? stripeResponse, bool alreadyHeld, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await BillingStore.MarkReportedAsync(connection, transaction, report.Identifier, requestId, stripeResponse, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <returns>True when this tenant, meter and period were skipped for the first time.</returns>
    public virtual async Task<bool> CustomerMissingAsync(MeteredUsage usage, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var first = await BillingStore.RecordSkipAsync(connection, transaction, usage, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return first;
    }

    public virtual Task FailedAsync(BillingReport report, StripeException error, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <param name="actor">Who set it, for the audit trail (an operator, or system:component).</param>
    public virtual async Task SetCustomerAsync(string tenant, string customer, string actor, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await BillingStore.SetCustomerAsync(connection, transaction, tenant, customer, actor, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
