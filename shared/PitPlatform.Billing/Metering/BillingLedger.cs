using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;
using PitPlatform.Billing.Stripe;
using PitPlatform.Governance.Audit;

namespace PitPlatform.Billing.Metering;

/// <summary>
/// The billing state changes that must be audited, each written in one transaction with its entry in the tenant's
/// audit chain: a report delivered (billing.reported), usage skipped for want of a customer (billing.customer_missing,
/// once per tenant, meter and period), a report Stripe refused (billing.failed), a tenant's customer set
/// (billing.customer_set). Stripe's secret never appears in an entry; its Request-Id does.
/// </summary>
public class BillingLedger(NpgsqlDataSource database, AuditTrail audit)
{
    /// <summary>The audit actor of the reporter.</summary>
    public static readonly AuditActor Reporter = AuditActor.ForSystem("billing-reporter");

    /// <summary>For mocking.</summary>
    protected BillingLedger()
        : this(null!, null!) { }

    public virtual async Task ReportedAsync(
        BillingReport report,
        string? requestId,
        string? stripeResponse,
        bool alreadyHeld,
        CancellationToken cancellationToken = default
    )
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await BillingStore
            .MarkReportedAsync(connection, transaction, report.Identifier, requestId, stripeResponse, cancellationToken)
            .ConfigureAwait(false);
        var details = Details(report);
        details["stripe_request_id"] = requestId;
        details["already_held_by_stripe"] = alreadyHeld;
        await audit
            .AppendAsync(
                connection,
                transaction,
                new AuditRecord(report.Tenant, Reporter, "billing.reported", Target(report), details),
                cancellationToken
            )
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <returns>True when this tenant, meter and period were skipped for the first time (and so audited now).</returns>
    public virtual async Task<bool> CustomerMissingAsync(
        MeteredUsage usage,
        CancellationToken cancellationToken = default
    )
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var first = await BillingStore
            .RecordSkipAsync(connection, transaction, usage, cancellationToken)
            .ConfigureAwait(false);
        if (first)
        {
            var details = new JsonObject
            {
                ["meter"] = usage.Meter,
                ["period"] = Day(usage.Period),
                ["unreported"] = usage.Quantity,
            };
            await audit
                .AppendAsync(
                    connection,
                    transaction,
                    new AuditRecord(
                        usage.Tenant,
                        Reporter,
                        "billing.customer_missing",
                        $"billing/{usage.Meter}/{Day(usage.Period)}",
                        details
                    ),
                    cancellationToken
                )
                .ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return first;
    }

    /// <summary>
    /// A refusal that a retry cannot fix (transient failures are only counted on the report, not audited).
    /// </summary>
    public virtual async Task FailedAsync(
        BillingReport report,
        StripeException error,
        CancellationToken cancellationToken = default
    )
    {
        var details = Details(report);
        details["stripe_status"] = error.Status;
        details["stripe_error_type"] = error.Type;
        details["stripe_error_code"] = error.Code;
        details["stripe_request_id"] = error.RequestId;
        await audit
            .AppendAsync(
                new AuditRecord(report.Tenant, Reporter, "billing.failed", Target(report), details),
                cancellationToken
            )
            .ConfigureAwait(false);
    }

    /// <param name="actor">Who set it (an operator: principal operator:{account}).</param>
    public virtual async Task SetCustomerAsync(
        string tenant,
        string customer,
        AuditActor actor,
        CancellationToken cancellationToken = default
    )
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await BillingStore
            .SetCustomerAsync(connection, transaction, tenant, customer, actor.Principal, cancellationToken)
            .ConfigureAwait(false);
        await audit
            .AppendAsync(
                connection,
                transaction,
                new AuditRecord(
                    tenant,
                    actor,
                    "billing.customer_set",
                    "billing/customer",
                    new JsonObject { ["stripe_customer_id"] = customer }
                ),
                cancellationToken
            )
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Target(BillingReport report) =>
        $"billing/{report.Meter}/{Day(report.Period)}/r{report.Revision.ToString(CultureInfo.InvariantCulture)}";

    private static JsonObject Details(BillingReport report) =>
        new()
        {
            ["identifier"] = report.Identifier,
            ["event_name"] = report.EventName,
            ["stripe_customer_id"] = report.StripeCustomerId,
            ["value"] = report.Value,
            ["period"] = Day(report.Period),
            ["revision"] = report.Revision,
        };

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
