using PitPlatform.Billing;
using PitPlatform.Billing.Metering;

namespace PitPlatform.LocalHost;

/// <summary>
/// Runs the billing reporter every PIT_BILLING_INTERVAL_MINUTES in the local host (the Functions app uses a
/// TimerTrigger instead). Does nothing unless billing is on (a Stripe key configured). A failed run is logged and the
/// next tick tries again: pending reports are kept in Postgres, so nothing is lost in between.
/// </summary>
public sealed class BillingReportService(BillingReporter reporter, BillingSettings settings, ILogger<BillingReportService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Enabled)
        {
            logger.LogInformation("billing is off: set PIT_STRIPE_SECRET_KEY to report usage to Stripe");
            return;
        }
        using var timer = new PeriodicTimer(settings.ReportInterval);
        do
        {
            try
            {
                var run = await reporter.RunAsync(dryRun: false, stoppingToken).ConfigureAwait(false);
                foreach (var line in run.Lines().Where(l => l.StartsWith("FAILED", StringComparison.Ordinal) || l.StartsWith("skipped", StringComparison.Ordinal)))
                    logger.LogWarning("billing: {Line}", line);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Postgres or Stripe unavailable mid-run: what was not marked reported stays pending for the next tick.
                logger.LogWarning("billing run failed, retried at the next interval: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
