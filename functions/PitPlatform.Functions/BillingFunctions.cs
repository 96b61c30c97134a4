using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PitPlatform.Billing.Http;
using PitPlatform.Billing.Metering;

namespace PitPlatform.Functions;

/// <summary>
/// Stripe usage billing: the hourly reporter run (a TimerTrigger: one instance at a time, past-due runs caught up) and
/// GET /v1/billing/usage. The reporter does nothing unless billing is on (PIT_STRIPE_SECRET_KEY configured).
/// </summary>
public sealed class BillingFunctions(BillingReportJob job, BillingUsageHandler usage)
{
    /// <summary>
    /// Every hour at minute 15 (BillingReportJob.NcrontabSchedule; the parity test reads this literal). A run throws
    /// only when Postgres is unavailable; pending reports wait for the next one.
    /// </summary>
    [Function("BillingReport")]
    public Task Report([TimerTrigger("0 15 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        job.RunAsync(cancellationToken);

    /// <summary>GET /v1/billing/usage. Authentication is the platform's own API key (in the handler).</summary>
    [Function("BillingUsage")]
    public Task Usage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/billing/usage")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => usage.HandleAsync(request, token), cancellationToken);
}
