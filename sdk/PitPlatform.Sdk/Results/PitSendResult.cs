namespace PitPlatform.Sdk.Results;

/// <summary>
/// The per-event outcomes of one <see cref="PitIngestionClient.SendAsync"/> call, in the order given.
/// </summary>
public sealed class PitSendResult
{
    /// <summary>Wraps the per-event results.</summary>
    /// <param name="results">One result per event, in the order sent.</param>
    public PitSendResult(IReadOnlyList<PitEventResult> results)
    {
        Results = results;
        foreach (var result in results)
        {
            if (result.Status == PitEventStatus.Rejected)
                Rejected++;
            else
                Accepted++;
        }
    }

    /// <summary>One result per event, in the order sent.</summary>
    public IReadOnlyList<PitEventResult> Results { get; }

    /// <summary>Events stored (accepted or duplicate).</summary>
    public int Accepted { get; }

    /// <summary>Events refused.</summary>
    public int Rejected { get; }
}
