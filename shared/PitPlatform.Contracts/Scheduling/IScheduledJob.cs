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

    /// <summary>
    /// Whether the local host also runs it as it starts (the Functions timer's RunOnStartup), rather than one
    /// interval later. Off by default: starting a host, as every test does, must not sweep data on its own.
    /// </summary>
    bool RunsAtStart => false;

    /// <summary>Runs once. Must be idempotent: timers fire at least once, and a run may be cut short.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
