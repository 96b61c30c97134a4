namespace PitPlatform.Contracts.Scheduling;

/// <summary>
/// A job that runs on a schedule: a TimerTrigger function in Azure, a periodic loop in the local host. Both hosts run
/// the same <see cref="RunAsync"/>; the parity test holds the Functions timers and the registered jobs equal.
/// </summary>
public interface IScheduledJob
{
    /// <summary>The job's name; also the name of its Functions timer function.</summary>
    string Name { get; }

    /// <summary>The NCRONTAB schedule (six fields, seconds first) the Functions timer uses.</summary>
    string Schedule { get; }

    /// <summary>How often the local host runs it (the same cadence as <see cref="Schedule"/>, as a period).</summary>
    TimeSpan LocalInterval { get; }

    /// <summary>Runs once. Must be idempotent: timers fire at least once, and a run may be cut short.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
