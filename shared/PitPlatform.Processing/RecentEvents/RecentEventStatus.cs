using PitPlatform.Processing.Nav;

namespace PitPlatform.Processing.RecentEvents;

/// <summary>
/// Where an accepted event went, as the stores can tell: a trade fill is <c>applied</c> once the NAV processor's
/// idempotency row for it exists and <c>pending</c> before; an LLM call is <c>counted</c> (its row is written with the
/// usage aggregator's). Deduplicated redeliveries and dead letters leave no per-tenant row in Postgres (dead letters
/// live on pit.v1.ops.dead_letter), so they are not statuses here.
/// </summary>
public static class RecentEventStatus
{
    public const string Applied = "applied";
    public const string Pending = "pending";
    public const string Counted = "counted";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Applied,
        Pending,
        Counted,
    };

    /// <summary>The status of recent_events row r as SQL .</summary>
    public static readonly string Sql = $"""
        CASE WHEN r.type <> 'exec.trade_fill' THEN 'counted'
             WHEN EXISTS (SELECT 1 FROM processed_events p WHERE p.consumer = '{NavProcessor.Group}' AND p.event_id = r.event_id) THEN 'applied'
             ELSE 'pending' END
        """;
}
