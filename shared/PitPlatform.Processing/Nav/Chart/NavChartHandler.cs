using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;

namespace PitPlatform.Processing.Nav;

/// <summary>
/// GET /v1/series/{series}/nav.svg: the NAV query's points drawn by <see cref="NavChart"/>. Same parameters and the
/// same Authorization header as the JSON route (never a key in the URL, where it would land in logs and history);
/// interval defaults to auto and limit to its maximum, so one page is usually the whole range.
/// </summary>
public sealed class NavChartHandler(
    RequestAuthentication authentication,
    NavPages pages,
    ILogger<NavChartHandler> logger
)
{
    public const string MediaType = "image/svg+xml";

    public Task<IResult> HandleAsync(HttpRequest request, string series, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            () => HandleCoreAsync(request, series, cancellationToken),
            logger,
            "GET /v1/series/{series}/nav.svg"
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
            defaultInterval: NavInterval.Auto,
            defaultLimit: NavQuery.MaxLimit
        );
        if (invalid is not null)
            return invalid;
        var (page, refused) = await pages.ReadAsync(principal!.Tenant, query!, cancellationToken).ConfigureAwait(false);
        if (refused is not null)
            return refused;
        var svg = NavChart.Render(
            new NavChartData(
                query!.Series,
                query.From,
                query.To,
                page!.Interval.Name,
                page.Points,
                page.NextPageToken is not null
            )
        );
        return Results.Text(svg, MediaType, System.Text.Encoding.UTF8);
    }
}
