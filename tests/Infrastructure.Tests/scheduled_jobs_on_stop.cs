using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Contracts.Scheduling;
using PitPlatform.LocalHost;
using Xunit;

namespace PitPlatform.Infrastructure.Tests;

/// <summary>The local host's timers stop cleanly even when a job fails because the host is stopping.</summary>
public sealed class scheduled_jobs_on_stop
{
    [Fact]
    public async Task a_job_that_fails_as_the_host_stops_does_not_fault_the_service()
    {
        var job = new FailsOnStopJob();
        using var service = new ScheduledJobsService([job], NullLogger<ScheduledJobsService>.Instance);
        await service.StartAsync(TestContext.Current.CancellationToken);
        await job.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        await service.StopAsync(TestContext.Current.CancellationToken);

        Assert.True(service.ExecuteTask!.IsCompletedSuccessfully, $"the service ended {service.ExecuteTask.Status}");
    }

    /// <summary>
    /// Runs at start and fails with a non-cancellation error once the host is stopping, as a dropped connection would.
    /// </summary>
    private sealed class FailsOnStopJob : IScheduledJob
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string Name => "fails-on-stop";
        public string Schedule => "0 0 * * * *";
        public TimeSpan LocalInterval => TimeSpan.FromHours(1);
        public bool RunsAtStart => true;

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException) { }
            throw new TimeoutException("connection lost while the host stopped");
        }
    }
}
