namespace PitPlatform.Sdk;

/// <summary>What <see cref="PitIngestionClient.Track"/> does when its bounded queue is full.</summary>
public enum QueueOverflowPolicy
{
    /// <summary>
    /// Drop the oldest queued event to make room and count it (<see cref="PitIngestionCounters.Dropped"/>). Never
    /// waits.
    /// </summary>
    DropOldest,

    /// <summary>
    /// Wait up to <see cref="PitIngestionClientOptions.OverflowWaitTimeout"/> for room, then drop the new event and
    /// count it.
    /// </summary>
    WaitWithTimeout,
}
