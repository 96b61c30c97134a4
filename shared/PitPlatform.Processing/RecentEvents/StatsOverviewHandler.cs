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
/// <c>pending</c> (accepted trade fills the NAV processor has not applied yet) is the tenant's own lag, and
/// <c>oldest_pending_age_seconds</c> the same in time: how long ago the oldest of them was accepted (see
/// <see cref="OldestPendingFill"/>; absent when none is pending). Dead letters
/// come from dead_lettered_events, per consumer and reason; refused events per code from ingest_refusals_daily.
/// Consumer lag in records is per consumer group and partition, which tenants share, so the response names it in
/// <c>unknown</c> instead of reporting a number.
/// </summary>
public sealed class StatsOverviewHandler(
    RequestAuthentication authentication,
    NpgsqlDataSource database,
    TimeProvider time,
    ILogger<StatsOverviewHandler> logger
)
{
    public static readonly IReadOnlyList<string> NotKeptPerTenant = ["consumer_lag"];

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
        var deadLetters = await DeadLettersAsync(principal.Tenant, from, to, cancellationToken).ConfigureAwait(false);
        var refusals = await RefusalsAsync(principal.Tenant, from, to, cancellationToken).ConfigureAwait(false);
        var pending = rows.Where(r => r.Status == RecentEventStatus.Pending).Sum(r => r.Events);
        var oldestPendingAge =
            pending == 0
                ? null
                : await OldestPendingFill
                    .AgeSecondsAsync(database, principal.Tenant, from, to, time.GetUtcNow(), cancellationToken)
                    .ConfigureAwait(false);
        var overview = new StatsOverview(
            from.UtcDateTime,
            to.UtcDateTime,
            rows.Sum(r => r.Events),
            pending,
            oldestPendingAge,
            rows,
            refusals.Sum(r => r.Events),
            refusals,
            deadLetters.Sum(d => d.Events),
            deadLetters,
            NotKeptPerTenant
        );
        return Results.Json(overview, ApiJson.Options);
    }

    /// <summary>
    /// Events the ingest edge refused, per error code, over the UTC days the window touches (they are kept per day of
    /// the refusal, flushed from memory every few seconds: ADR 0020).
    /// </summary>
    private async Task<List<RefusalCount>> RefusalsAsync(
        string tenant,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken
    )
    {
        await using var command = database.CreateCommand(
            """
            SELECT code, sum(events)::bigint FROM ingest_refusals_daily
            WHERE tenant = $1 AND day >= $2 AND day <= $3 GROUP BY 1 ORDER BY 1
            """
        );
        command.Parameters.Add(new() { Value = tenant });
        command.Parameters.Add(new() { Value = DateOnly.FromDateTime(from.UtcDateTime) });
        command.Parameters.Add(new() { Value = DateOnly.FromDateTime(to.UtcDateTime.AddTicks(-1)) });
        var counts = new List<RefusalCount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            counts.Add(new RefusalCount(reader.GetString(0), reader.GetInt64(1)));
        return counts;
    }

    /// <summary>The tenant's dead letters over the window (by the event's ts), per consumer and reason.</summary>
    private async Task<List<DeadLetterCount>> DeadLettersAsync(
        string tenant,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken
    )
    {
        await using var command = database.CreateCommand(
            """
            SELECT consumer, reason, count(*) FROM dead_lettered_events
            WHERE tenant = $1 AND ts >= $2 AND ts < $3 GROUP BY 1, 2 ORDER BY 1, 2
            """
        );
        command.Parameters.Add(new() { Value = tenant });
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        var counts = new List<DeadLetterCount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            counts.Add(new DeadLetterCount(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        return counts;
    }
}

public sealed record OverviewCount(string Type, string Status, long Events);

public sealed record StatsOverview(
    DateTime From,
    DateTime To,
    long Accepted,
    long Pending,
    long? OldestPendingAgeSeconds,
    IReadOnlyList<OverviewCount> ByTypeAndStatus,
    long Rejected,
    IReadOnlyList<RefusalCount> ErrorsByCode,
    long DeadLettered,
    IReadOnlyList<DeadLetterCount> DeadLetters,
    IReadOnlyList<string> Unknown
);

public sealed record RefusalCount(string Code, long Events);

public sealed record DeadLetterCount(string Consumer, string Reason, long Events);
