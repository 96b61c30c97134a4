using PitPlatform.Sdk.Results;

namespace PitPlatform.Sdk.Transport;

/// <summary>
/// One HTTP attempt: per-event results (202/207), every event stored without a list (a 202 to
/// <c>Prefer: return=minimal</c>, <see cref="AllStored"/>), or a failure of the whole request, transient or not.
/// <see cref="MinSupportedSdk"/> is the server's <c>Pit-Min-Supported-Sdk</c> header, when sent.
/// </summary>
internal sealed record AttemptOutcome(
    int Status,
    PitEventResult[]? Results,
    PitIngestionException? Failure,
    TimeSpan? RetryAfter,
    string? MinSupportedSdk,
    bool AllStored = false
)
{
    public bool IsTransient => Failure?.IsTransient == true;
}
