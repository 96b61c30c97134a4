using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;

namespace PitPlatform.Processing.RecentEvents;

/// <summary>
/// GET /v1/stats/overview?from=&amp;to=: the key's tenant's accepted events over the window (from inclusive, to
/// exclusive; default the last 24 hours) per type and status: whole UTC days from the event_counts_daily rollup, the
/// partial days at either edge from recent_events (see <see cref="OverviewCounts"/>).
/// <c>pending</c> (accepted trade fills the NAV processor has not applied yet) is the tenant's own lag. Rejected
/// events, errors by code, consumer lag in records and dead letters are not kept per tenant in any store (the first two
/// are process metrics, lag is per consumer group and partition, dead letters live on a Kafka topic), so the response
/// says so in <c>unknown</c> instead of reporting a number.
/// </summary>
public sealed class StatsOverviewHandler(
    RequestAuthentication authentication,
    NpgsqlDataSource database,
    TimeProvider time,
    ILogger<StatsOverviewHandler> logger
)
{
    public static readonly IReadOnlyList<string> NotKeptPerTenant =
    [
        "rejected",
        "errors_by_code",
        "consumer_lag",
        "dead_letters",
    ];

    public Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(() => HandleCoreAsync(request, cancellationToken), logger, "GET /v1/stats/overview");

    private async Task<IResult> HandleCoreAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (principal, failure) = await authentication
            .RequireAsync(request, ApiKeyScope.Read, cancellationToken)
            .ConfigureAwait(false);
        if (failure is not null)
            return failure;
        if (QueryParameters.TimeRange(request, out var fromParam, out var toParam) is { } badTimes)
            return badTimes;
        var to = toParam ?? time.GetUtcNow();
        var from = fromParam ?? to.AddDays(-1);

        var rows = await OverviewCounts
            .ReadAsync(database, principal!.Tenant, from, to, cancellationToken)
            .ConfigureAwait(false);
        var overview = new StatsOverview(
            from.UtcDateTime,
            to.UtcDateTime,
            rows.Sum(r => r.Events),
            rows.Where(r => r.Status == RecentEventStatus.Pending).Sum(r => r.Events),
            rows,
            NotKeptPerTenant
        );
        return Results.Json(overview, ApiJson.Options);
    }
}

public sealed record OverviewCount(string Type, string Status, long Events);

public sealed record StatsOverview(
    DateTime From,
    DateTime To,
    long Accepted,
    long Pending,
    IReadOnlyList<OverviewCount> ByTypeAndStatus,
    IReadOnlyList<string> Unknown
);
