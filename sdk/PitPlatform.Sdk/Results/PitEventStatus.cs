namespace PitPlatform.Sdk.Results;

/// <summary>What happened to one event.</summary>
public enum PitEventStatus
{
    /// <summary>Stored in Kafka (acknowledged by every replica).</summary>
    Accepted,

    /// <summary>Repeated an earlier event of the same request with the same body; stored once.</summary>
    Duplicate,

    /// <summary>Refused; <see cref="PitEventResult.Error"/> says why. Retrying the same event will not help.</summary>
    Rejected,
}
