using PitPlatform.Processing.Nav;
using PitPlatform.Processing.Usage;

namespace PitPlatform.Processing.RecentEvents;

/// <summary>
/// Where an accepted event went, as the stores can tell: a trade fill is <c>applied</c> once the NAV processor's
/// idempotency row for it exists, <c>dead_lettered</c> when a consumer dead-lettered it instead (dead_lettered_events),
/// and <c>pending</c> before either; an LLM call is <c>counted</c> once the usage aggregator counted it
/// (recent_events.counted, set with its processed row), else <c>dead_lettered</c> when a consumer dead-lettered it (the
/// dead-letter ledger writes its row then). <c>deduplicated</c> is no status of its own: an event keeps the status of
/// the delivery that was processed and carries the number of later deliveries recognised as duplicates
/// (deduplicated_deliveries); as a filter it selects the events with at least one.
/// </summary>
public static class RecentEventStatus
{
    public const string Applied = "applied";
    public const string Pending = "pending";
    public const string Counted = "counted";
    public const string DeadLettered = "dead_lettered";

    /// <summary>A filter only: events with at least one deduplicated later delivery, whatever their status.</summary>
    public const string Deduplicated = "deduplicated";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Applied,
        Pending,
        Counted,
        DeadLettered,
    };

    /// <summary>The values the logs' status filter takes.</summary>
    public static readonly IReadOnlySet<string> Filters = new HashSet<string>(All, StringComparer.Ordinal)
    {
        Deduplicated,
    };

    /// <summary>The status of recent_events row r as SQL: primary-key and index probes only.</summary>
    public static readonly string Sql = $"""
        CASE WHEN r.type <> 'exec.trade_fill' AND r.counted THEN 'counted'
             WHEN r.type = 'exec.trade_fill' AND EXISTS (SELECT 1 FROM processed_events p WHERE p.consumer = '{NavProcessor.Group}' AND p.event_id = r.event_id) THEN 'applied'
             WHEN EXISTS (SELECT 1 FROM dead_lettered_events d WHERE d.event_id = r.event_id AND d.tenant = r.tenant) THEN 'dead_lettered'
             ELSE 'pending' END
        """;

    /// <summary>How many later deliveries of recent_events row r were deduplicated, as SQL (an index probe).</summary>
    public static readonly string DuplicatesSql = $"""
        (SELECT count(*) FROM deduplicated_deliveries x
         WHERE x.event_id = r.event_id AND x.consumer = '{UsageAggregator.Group}')
        """;
}
