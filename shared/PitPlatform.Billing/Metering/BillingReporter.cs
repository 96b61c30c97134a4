using Microsoft.Extensions.Logging;
using PitPlatform.Billing.Stripe;

namespace PitPlatform.Billing.Metering;

/// <summary>
/// Reports each tenant's settled daily usage to Stripe as one meter event per tenant, meter and day (plus a revision
/// for usage that arrives after a day was reported). Every event is written as pending before it is sent and carries a
/// deterministic identifier, so an outage, a crash, or a second run of the same period never loses or doubles usage.
/// One tenant's failure does not stop the others; a run stops early only when Stripe keeps failing transiently.
/// </summary>
public class BillingReporter(
    BillingStore store,
    UsageMeterReader usage,
    StripeClient stripe,
    BillingSettings settings,
    BillingLedger ledger,
    TimeProvider time,
    ILogger<BillingReporter> logger
)
{
    /// <summary>For mocking.</summary>
    protected BillingReporter()
        : this(null!, null!, null!, new BillingSettings(), null!, TimeProvider.System, null!) { }

    /// <summary>Stripe takes meter events at most 35 days old; the window ends well inside that.</summary>
    public const int MaxLookbackDays = 30;

    public virtual async Task<BillingRun> RunAsync(bool dryRun = false, CancellationToken cancellationToken = default)
    {
        var (from, to) = Window();
        if (!dryRun && !settings.Enabled)
            return new BillingRun
            {
                Disabled = true,
                From = from,
                To = to,
            };

        // One run at a time across instances: the pending-then-send protocol is safe anyway, but two runs would each
        // create the next revision of the same late usage.
        await using var lockConnection = await store
            .Database.OpenConnectionAsync(cancellationToken)
            .ConfigureAwait(false);
        if (
            !dryRun && !await LockAsync(lockConnection, "pg_try_advisory_lock", cancellationToken).ConfigureAwait(false)
        )
            return new BillingRun
            {
                Busy = true,
                From = from,
                To = to,
            };
        try
        {
            var run = new BillingRun
            {
                DryRun = dryRun,
                From = from,
                To = to,
            };
            await PlanAsync(run, cancellationToken).ConfigureAwait(false);
            if (dryRun)
                return run;
            await SendPlannedAsync(run, cancellationToken).ConfigureAwait(false);
            return run;
        }
        finally
        {
            if (!dryRun)
                await LockAsync(lockConnection, "pg_advisory_unlock", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task SendPlannedAsync(BillingRun run, CancellationToken cancellationToken)
    {
        await store.InsertPendingAsync(run.Planned, cancellationToken).ConfigureAwait(false);
        foreach (var skipped in run.Skipped)
            await ledger.CustomerMissingAsync(skipped, cancellationToken).ConfigureAwait(false);
        await SendAsync(run, cancellationToken).ConfigureAwait(false);
        logger.LogInformation(
            "billing run {From}..{To}: {Reported} reported, {Failed} failed, {LeftPending} left pending, "
                + "{Skipped} skipped",
            run.From,
            run.To,
            run.Reported.Count,
            run.Failed.Count,
            run.LeftPending,
            run.Skipped.Count
        );
    }

    /// <summary>
    /// The UTC days a run considers: the last <see cref="BillingSettings.LookbackDays"/> days that have settled.
    /// </summary>
    public (DateOnly From, DateOnly To) Window()
    {
        var now = time.GetUtcNow();
        var to = DateOnly.FromDateTime((now - settings.SettleDelay).UtcDateTime).AddDays(-1);
        return (to.AddDays(1 - Math.Clamp(settings.LookbackDays, 1, MaxLookbackDays)), to);
    }

    private async Task PlanAsync(BillingRun run, CancellationToken cancellationToken)
    {
        var customers = await store.LoadCustomersAsync(cancellationToken).ConfigureAwait(false);
        var reports = await store
            .LoadReportsAsync(run.From, run.To, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        var quantities = await usage
            .ReadAsync(run.From, run.To, settings.Currency, cancellationToken: cancellationToken)
            .ConfigureAwait(false);

        // A pending report goes to the tenant's customer as mapped now: an operator may have corrected the mapping
        // after Stripe refused the old one (the changed body gets a new Idempotency-Key; the identifier stays).
        foreach (var pending in reports.Where(r => r.IsPending))
        {
            var current = customers.GetValueOrDefault(pending.Tenant, pending.StripeCustomerId);
            if (current != pending.StripeCustomerId && !run.DryRun)
                await store
                    .UpdatePendingCustomerAsync(pending.Identifier, current, cancellationToken)
                    .ConfigureAwait(false);
            run.Planned.Add(pending with { StripeCustomerId = current });
        }
        var accounted = reports
            .GroupBy(r => (r.Tenant, r.Meter, r.Period))
            .ToDictionary(g => g.Key, g => (Sum: g.Sum(r => r.Value), Revision: g.Max(r => r.Revision)));
        foreach (var u in quantities)
        {
            var (sum, revision) = accounted.GetValueOrDefault((u.Tenant, u.Meter, u.Period));
            var delta = u.Quantity - sum;
            if (delta < 0)
            {
                // Aggregates only grow; less than was billed means they were rebuilt or edited. Never send a negative.
                logger.LogWarning(
                    "billing: {Tenant} {Meter} {Period} has {Quantity} in the aggregates but {Reported} was "
                        + "already reported",
                    u.Tenant,
                    u.Meter,
                    u.Period,
                    u.Quantity,
                    sum
                );
                continue;
            }
            if (delta == 0)
                continue;
            if (!customers.TryGetValue(u.Tenant, out var customer))
            {
                run.Skipped.Add(u with { Quantity = delta });
                continue;
            }
            var meter = BillingMeter.ByKey(u.Meter);
            run.Planned.Add(
                new BillingReport(
                    u.Tenant,
                    u.Meter,
                    u.Period,
                    revision + 1,
                    MeterEventIdentifier.For(u.Tenant, u.Meter, u.Period, revision + 1),
                    meter.EventName,
                    customer,
                    delta,
                    EventTimestamp(u.Period),
                    BillingReport.Pending
                )
            );
        }
    }

    private async Task SendAsync(BillingRun run, CancellationToken cancellationToken)
    {
        // Distinct tenants failing transiently in a row means Stripe itself is failing, not one customer's events.
        var transientInARow = new HashSet<string>(StringComparer.Ordinal);
        foreach (var report in run.Planned)
        {
            if (transientInARow.Count >= settings.MaxConsecutiveTransientFailures)
            {
                run.LeftPending++;
                continue;
            }
            try
            {
                var response = await stripe
                    .CreateMeterEventAsync(
                        new StripeMeterEventRequest(
                            report.EventName,
                            report.StripeCustomerId,
                            report.Value,
                            report.EventTimestamp,
                            report.Identifier
                        ),
                        cancellationToken
                    )
                    .ConfigureAwait(false);
                // A replayed answer means an earlier attempt (whose answer we lost) was the one that recorded the
                // usage.
                await ledger
                    .ReportedAsync(
                        report,
                        response.RequestId,
                        response.RawBody,
                        response.IdempotentReplayed,
                        cancellationToken
                    )
                    .ConfigureAwait(false);
                run.Reported.Add((report, response.RequestId, response.IdempotentReplayed));
                transientInARow.Clear();
            }
            catch (StripeException e) when (e.IsDuplicateMeterEvent)
            {
                // Our identifier is deterministic: Stripe holding it means an earlier attempt was delivered and its
                // answer lost.
                await ledger
                    .ReportedAsync(report, e.RequestId, null, alreadyHeld: true, cancellationToken)
                    .ConfigureAwait(false);
                run.Reported.Add((report, e.RequestId, true));
                transientInARow.Clear();
            }
            catch (StripeException e)
            {
                await store
                    .MarkFailedAsync(report.Identifier, e.Message, e.RequestId, cancellationToken)
                    .ConfigureAwait(false);
                run.Failed.Add((report, e.Message, e.IsTransient));
                if (e.IsTransient)
                    transientInARow.Add(report.Tenant);
                else
                    transientInARow.Clear();
                logger.LogWarning(
                    "billing: {Identifier} for tenant {Tenant} not reported: {Error}",
                    report.Identifier,
                    report.Tenant,
                    e.Message
                );
                if (!e.IsTransient)
                    await ledger.FailedAsync(report, e, cancellationToken).ConfigureAwait(false);
            }
        }
        if (run.LeftPending > 0)
            logger.LogWarning(
                "billing: Stripe failed for {Count} tenants in a row; {LeftPending} reports left pending for "
                    + "the next run",
                transientInARow.Count,
                run.LeftPending
            );
    }

    /// <summary>
    /// A day's usage is stamped at the day's last second, so it falls in the invoice period holding that day.
    /// </summary>
    public static DateTimeOffset EventTimestamp(DateOnly period) =>
        new(period.ToDateTime(new TimeOnly(23, 59, 59)), TimeSpan.Zero);

    private static async Task<bool> LockAsync(
        Npgsql.NpgsqlConnection connection,
        string function,
        CancellationToken cancellationToken
    )
    {
        // Session-level, on a connection held for the run (a crashed process's lock goes with its connection); per
        // schema, so deployments (and tests) sharing one server do not block each other.
        await using var command = new Npgsql.NpgsqlCommand(
            $"SELECT {function}(hashtextextended('billing-reporter:' || current_schema(), 7))",
            connection
        );
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
