namespace PitPlatform.Ingestion;

/// <summary>The per-event result list of POST /v1/events (202 and 207 bodies).</summary>
public sealed record IngestResponse(IReadOnlyList<IngestResult> Data, IngestMeta Meta);

/// <summary>
/// The 202 body when the client sent <c>Prefer: return=minimal</c> and every event was stored: the counts without the
/// per-event list. A 207 always carries the list, so the client learns which events were refused.
/// </summary>
public sealed record IngestMinimalResponse(IngestMeta Meta);

public sealed record IngestResult(
    string? EventId,
    string Status,
    string? Topic = null,
    int? Partition = null,
    long? Offset = null,
    IngestResultError? Error = null
)
{
    public const string Accepted = "accepted";
    public const string Duplicate = "duplicate";
    public const string Rejected = "rejected";
}

public sealed record IngestResultError(string Code, string Message, IngestErrorDetails Details);

public sealed record IngestErrorDetails(string Pointer);

public sealed record IngestMeta(int Accepted, int Rejected, string RequestId);
