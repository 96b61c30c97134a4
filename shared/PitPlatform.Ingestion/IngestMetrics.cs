using PitPlatform.Contracts;
using PitPlatform.Ingestion.Events;

namespace PitPlatform.Ingestion;

/// <summary>
/// An ingest request's events by outcome and type (pit.ingest.events), and its rejected events' codes (pit.errors).
/// </summary>
internal static class IngestMetrics
{
    /// <summary>The type of an event that did not parse far enough to have a topic.</summary>
    public const string Invalid = "invalid";

    public static void Record(List<ParsedEvent> parsed, IngestResponse response)
    {
        if (!PitMetrics.IngestEvents.Enabled && !PitMetrics.Errors.Enabled)
            return;
        // Requests mostly carry one type: count runs of the same (outcome, type) and add each run once.
        string? outcome = null,
            type = null;
        long run = 0;
        for (var i = 0; i < response.Data.Count; i++)
        {
            var result = response.Data[i];
            var thisOutcome = result.Status == IngestResult.Rejected ? IngestResult.Rejected : IngestResult.Accepted;
            var thisType = parsed[i].Event?.Topic ?? Invalid;
            if (result.Error is { } error)
                PitMetrics.Error(error.Code);
            if (thisOutcome == outcome && thisType == type)
            {
                run++;
                continue;
            }
            Add(outcome, type, run);
            (outcome, type, run) = (thisOutcome, thisType, 1);
        }
        Add(outcome, type, run);
    }

    private static void Add(string? outcome, string? type, long count)
    {
        if (count == 0)
            return;
        PitMetrics.IngestEvents.Add(
            count,
            new KeyValuePair<string, object?>("outcome", outcome),
            new KeyValuePair<string, object?>("type", type)
        );
    }
}
