using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;

namespace PitPlatform.Processing.Nav;

/// <summary>
/// GET /v1/series/{series}/nav?cell=&amp;currency=&amp;from=&amp;to=&amp;interval=&amp;limit=&amp;page_token=: NAV
/// points of the key's tenant in order (ts, cell, currency), raw or downsampled to the last NAV of each bucket, paged
/// by an opaque token (<see cref="NavQuery"/>, <see cref="NavPages"/>).
/// </summary>
public sealed class NavQueryHandler(
    RequestAuthentication authentication,
    NavPages pages,
    ILogger<NavQueryHandler> logger
)
{
    public Task<IResult> HandleAsync(HttpRequest request, string series, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            () => HandleCoreAsync(request, series, cancellationToken),
            logger,
            "GET /v1/series/{series}/nav"
        );

    private async Task<IResult> HandleCoreAsync(HttpRequest request, string series, CancellationToken cancellationToken)
    {
        var (principal, failure) = await authentication
            .RequireAsync(request, ApiKeyScope.Read, cancellationToken)
            .ConfigureAwait(false);
        if (failure is not null)
            return failure;
        var (query, invalid) = NavQuery.Parse(
            request,
            series,
            defaultInterval: NavInterval.Raw.Name,
            defaultLimit: NavQuery.DefaultLimit
        );
        if (invalid is not null)
            return invalid;
        var (page, refused) = await pages.ReadAsync(principal!.Tenant, query!, cancellationToken).ConfigureAwait(false);
        if (refused is not null)
            return refused;
        var meta = new NavMeta(
            query!.Series,
            query.Cell,
            query.Currency,
            page!.Interval.Name,
            query.From?.UtcDateTime,
            query.To?.UtcDateTime,
            page.Points.Count,
            query.Limit,
            page.NextPageToken
        );
        return Results.Json(new NavResponse(page.Points, meta), NavJsonContext.Default.NavResponse);
    }
}
