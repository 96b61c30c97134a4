namespace PitPlatform.Processing.RecentEvents;

/// <summary>
/// One accepted event as the logs list shows it: metadata only (model for LLM calls), never a payload; with the number
/// of later deliveries of it that were deduplicated.
/// </summary>
public sealed record RecentEventView(
    Guid EventId,
    string Type,
    DateTime Ts,
    string Series,
    string? Cell,
    string? Model,
    DateTime AcceptedAt,
    string Status,
    long Duplicates
);

public sealed record RecentEventsMeta(DateTime From, DateTime To, int Count, int Limit, string? NextPageToken);

public sealed record RecentEventsResponse(IReadOnlyList<RecentEventView> Data, RecentEventsMeta Meta);

/// <summary>A consumer that applied the event, and when.</summary>
public sealed record EventHandling(string Consumer, DateTime At);

/// <summary>
/// One event's detail: the list row, where it went (each consumer that applied it or dead-lettered it, and its
/// deduplicated later deliveries), and for an LLM
/// call the stored usage (tokens, cost in integer micros, and whether its text was kept and why: the text itself is not
/// returned).
/// </summary>
public sealed record RecentEventDetail(
    RecentEventView Event,
    IReadOnlyList<EventHandling> HandledBy,
    IReadOnlyList<EventDeadLetter> DeadLetteredBy,
    EventDuplicates? Deduplicated,
    LlmCallSummary? LlmCall
);

/// <summary>
/// The later deliveries of the event recognised as duplicates: how many, and when the first and last came.
/// </summary>
public sealed record EventDuplicates(long Deliveries, DateTime FirstAt, DateTime LastAt);

/// <summary>A consumer that dead-lettered a record of the event instead, why, and when.</summary>
public sealed record EventDeadLetter(string Consumer, string Reason, DateTime At);

public sealed record LlmCallSummary(
    long InputTokens,
    long OutputTokens,
    long CostMicros,
    string? Currency,
    long LatencyMs,
    bool Flagged,
    string? TextKeptBecause,
    string? Prompt,
    string? Response
);
