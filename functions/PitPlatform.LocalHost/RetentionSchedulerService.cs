using PitPlatform.Governance.Retention;

namespace PitPlatform.LocalHost;

/// <summary>
/// Runs the retention scheduler once per sweep period (PIT_RETENTION_SWEEP_PERIOD_SECONDS, default a day), the first
/// time one period after start, so a host started for a test or a demo never sweeps at once.
/// </summary>
public sealed class RetentionSchedulerService(RetentionScheduler scheduler, RetentionSettings settings, ILogger<RetentionSchedulerService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.SweepPeriod);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await scheduler.RunAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Kafka or Postgres unavailable: the next period emits the sweeps again (they are idempotent).
                logger.LogWarning(e, "retention scheduler: this run failed; the next runs in {Period}", settings.SweepPeriod);
            }
        }
    }
}
