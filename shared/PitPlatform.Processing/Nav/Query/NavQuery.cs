using Microsoft.AspNetCore.Http;
using PitPlatform.Access.Http;
using PitPlatform.Contracts;
using PitPlatform.Contracts.Keys;

namespace PitPlatform.Processing.Nav;

/// <summary>
/// The parameters of GET /v1/series/{series}/nav and nav.svg, checked:
/// <c>cell, currency, from, to (RFC 3339, inclusive), interval (raw | 1m | 5m | 15m | 1h | 1d | auto), limit,
/// page_token</c>.
/// </summary>
public sealed record NavQuery(
    string Series,
    string? Cell,
    string? Currency,
    DateTimeOffset? From,
    DateTimeOffset? To,
    string Interval,
    int Limit,
    string? PageToken
)
{
    public const int DefaultLimit = 1000;
    public const int MaxLimit = 10_000;

    /// <summary>The query, or the structured 400 naming the bad parameter.</summary>
    public static (NavQuery? Query, IResult? Error) Parse(
        HttpRequest request,
        string series,
        string defaultInterval,
        int defaultLimit
    )
    {
        if (KeySegment.Check("series", series) is { } seriesError)
            return Bad(seriesError, "series");
        var cell = request.Query["cell"].FirstOrDefault();
        if (cell is not null && KeySegment.Check("cell", cell) is { } cellError)
            return Bad(cellError, "cell");
        var currency = request.Query["currency"].FirstOrDefault();
        if (currency is not null && !Money.IsCurrencyCode(currency))
            return Bad("currency must be three upper-case letters (ISO 4217)", "currency");
        if (QueryParameters.TimeRange(request, out var from, out var to) is { } badTimes)
            return (null, badTimes);
        var interval = request.Query["interval"].FirstOrDefault() ?? defaultInterval;
        if (!NavInterval.Names.Contains(interval))
            return Bad($"interval must be one of {string.Join(", ", NavInterval.Names)}", "interval");
        if (QueryParameters.Limit(request, defaultLimit, MaxLimit, out var limit) is { } badLimit)
            return (null, badLimit);
        var pageToken = request.Query["page_token"].FirstOrDefault();
        if (pageToken is { Length: 0 or > 512 })
            return InvalidPageToken();
        return (new NavQuery(series, cell, currency, from, to, interval, limit, pageToken), null);
    }

    public static (NavQuery?, IResult?) InvalidPageToken() =>
        Bad("page_token is not a token this query returned; start again without it", "page_token");

    private static (NavQuery?, IResult?) Bad(string message, string parameter) =>
        (null, ApiErrors.BadRequest("ERR_VALIDATION", message, new { parameter }));
}
