using Microsoft.Extensions.Logging;
using PitPlatform.Contracts.Scheduling;

namespace PitPlatform.Billing.Metering;

/// <summary>
/// The billing reporter on a schedule: hourly at minute 15 as a Functions timer, every PIT_BILLING_INTERVAL_MINUTES in
/// the local host. Does nothing unless billing is on. Idempotent: reports are pending-then-sent with deterministic
/// identifiers, so an extra or cut-short run neither loses nor doubles usage.
/// </summary>
public sealed class BillingReportJob(
    BillingReporter reporter,
    BillingSettings settings,
    ILogger<BillingReportJob> logger
) : IScheduledJob
{
    public const string JobName = "BillingReport";
    public const string NcrontabSchedule = "0 15 * * * *";

    public string Name => JobName;
    public string Schedule => NcrontabSchedule;
    public TimeSpan LocalInterval => settings.ReportInterval;

    /// <summary>
    /// Catches up at start after downtime; reporting is idempotent and does nothing while billing is off.
    /// </summary>
    public bool RunsAtStart => true;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!settings.Enabled)
            return;
        var run = await reporter.RunAsync(dryRun: false, cancellationToken).ConfigureAwait(false);
        foreach (
            var line in run.Lines()
                .Where(l =>
                    l.StartsWith("FAILED", StringComparison.Ordinal)
                    || l.StartsWith("skipped", StringComparison.Ordinal)
                )
        )
            logger.LogWarning("billing: {Line}", line);
    }
}
