using PitPlatform.Contracts.Scheduling;

namespace PitPlatform.LocalHost;

/// <summary>
/// Runs every registered <see cref="IScheduledJob"/> on its local interval, as the Functions timers do in Azure.
/// </summary>
public sealed class ScheduledJobsService(IEnumerable<IScheduledJob> jobs, ILogger<ScheduledJobsService> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(jobs.Select(job => RunPeriodicallyAsync(job, stoppingToken)));

    private async Task RunPeriodicallyAsync(IScheduledJob job, CancellationToken stoppingToken)
    {
        // Unless the job asks to run at start, the first run comes one interval later, as a Functions timer without
        // RunOnStartup: starting a host (every test does) must not sweep data on its own.
        using var timer = new PeriodicTimer(job.LocalInterval);
        try
        {
            if (job.RunsAtStart)
                await RunOnceAsync(job, stoppingToken).ConfigureAwait(false);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                await RunOnceAsync(job, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    private async Task RunOnceAsync(IScheduledJob job, CancellationToken stoppingToken)
    {
        try
        {
            await job.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A run that fails as the host stops (often because it stops) is not an error: the next start runs it.
            // Checked here rather than in a filter, so a stop landing after the throw cannot crash the shutdown.
            if (stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug(e, "scheduled job {Job} interrupted by shutdown", job.Name);
                return;
            }
            // A failed run is retried at the next tick, as a Functions timer would be.
            logger.LogError(e, "scheduled job {Job} failed; next run in {Interval}", job.Name, job.LocalInterval);
        }
    }
}
