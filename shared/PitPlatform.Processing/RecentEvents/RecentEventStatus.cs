using PitPlatform.Processing.Nav;

namespace PitPlatform.Processing.RecentEvents;

/// <summary>
/// Where an accepted event went, as the stores can tell: a trade fill is <c>applied</c> once the NAV processor's
/// idempotency row for it exists, <c>dead_lettered</c> when a consumer dead-lettered it instead (dead_lettered_events),
/// and <c>pending</c> before either; an LLM call is <c>counted</c> (its row is written with the usage aggregator's).
/// A call the usage aggregator dead-lettered has no recent_events row at all: the overview counts it under
/// dead_letters. Deduplicated redeliveries leave no per-event row, so they are not a status here.
/// </summary>
public static class RecentEventStatus
{
    public const string Applied = "applied";
    public const string Pending = "pending";
    public const string Counted = "counted";
    public const string DeadLettered = "dead_lettered";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Applied,
        Pending,
        Counted,
        DeadLettered,
    };

    /// <summary>The status of recent_events row r as SQL .</summary>
    public static readonly string Sql = $"""
        CASE WHEN r.type <> 'exec.trade_fill' THEN 'counted'
             WHEN EXISTS (SELECT 1 FROM processed_events p WHERE p.consumer = '{NavProcessor.Group}' AND p.event_id = r.event_id) THEN 'applied'
             WHEN EXISTS (SELECT 1 FROM dead_lettered_events d WHERE d.event_id = r.event_id AND d.tenant = r.tenant) THEN 'dead_lettered'
             ELSE 'pending' END
        """;
}
