using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;
using PitPlatform.Billing.Metering;

namespace PitPlatform.Billing.Http;

/// <summary>
/// GET /v1/billing/usage?period=yyyy-MM: what the key's tenant will be billed for a calendar month (UTC), per meter:
/// the usage so far from the aggregates, how much of it was already reported to Stripe, how much is pending, and how
/// much is still to be reported. The default period is the current month. Read scope.
/// </summary>
public sealed class BillingUsageHandler(
    RequestAuthentication authentication,
    UsageMeterReader usage,
    BillingStore store,
    BillingSettings settings,
    TimeProvider time,
    ILogger<BillingUsageHandler> logger
)
{
    public Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(() => HandleCoreAsync(request, cancellationToken), logger, "GET /v1/billing/usage");

    private async Task<IResult> HandleCoreAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (principal, failure) = await authentication
            .RequireAsync(request, ApiKeyScope.Read, cancellationToken)
            .ConfigureAwait(false);
        if (failure is not null)
            return failure;
        var now = time.GetUtcNow();
        if (
            QueryParameters.Month(request, "period", new DateOnly(now.Year, now.Month, 1), out var month) is
            { } badPeriod
        )
            return badPeriod;
        var from = month;
        var to = month.AddMonths(1).AddDays(-1);
        var tenant = principal!.Tenant;

        var quantities = await usage
            .ReadAsync(from, to, settings.Currency, tenant, cancellationToken)
            .ConfigureAwait(false);
        var reports = (await store.LoadReportsAsync(from, to, tenant, cancellationToken).ConfigureAwait(false))
            .Where(r => r.Period >= from && r.Period <= to)
            .ToList();
        var customer = await store.FindCustomerAsync(tenant, cancellationToken).ConfigureAwait(false);
        var meters = BillingMeter
            .All.Select(m =>
            {
                var quantity = Capped(quantities.Where(q => q.Meter == m.Key).Select(q => q.Quantity));
                var reported = Capped(reports.Where(r => r.Meter == m.Key && !r.IsPending).Select(r => r.Value));
                var pending = Capped(reports.Where(r => r.Meter == m.Key && r.IsPending).Select(r => r.Value));
                return new MeterUsage(
                    m.Key,
                    m.EventName,
                    m.Description,
                    quantity,
                    reported,
                    pending,
                    Math.Max(0, quantity - reported - pending)
                );
            })
            .ToList();
        return Results.Json(
            new BillingUsageResponse(
                meters,
                new BillingUsageMeta(
                    month.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                    from,
                    to,
                    settings.Currency,
                    customer is not null
                )
            ),
            ApiJson.Options
        );
    }

    /// <summary>
    /// A month's sum, capped like each day's at <see cref="long.MaxValue"/> (see <see cref="UsageMeterReader"/>).
    /// </summary>
    private static long Capped(IEnumerable<long> values) => (long)Math.Min(values.Sum(v => (decimal)v), long.MaxValue);

    /// <summary>
    /// One meter's month so far. Amounts of the cost meter are integer micros of the billing currency.
    /// </summary>
    public sealed record MeterUsage(
        string Meter,
        string EventName,
        string Description,
        long Quantity,
        long Reported,
        long Pending,
        long Unreported
    );

    public sealed record BillingUsageMeta(
        string Period,
        DateOnly From,
        DateOnly To,
        string Currency,
        bool StripeCustomerLinked
    );

    public sealed record BillingUsageResponse(IReadOnlyList<MeterUsage> Data, BillingUsageMeta Meta);
}
