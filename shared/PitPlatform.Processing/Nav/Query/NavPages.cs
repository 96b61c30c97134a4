using Microsoft.AspNetCore.Http;

namespace PitPlatform.Processing.Nav;

/// <summary>
/// One page of a NAV query: its points in keyset order, the interval used, and the token of the next page.
/// </summary>
public sealed record NavPage(IReadOnlyList<NavPoint> Points, NavInterval Interval, string? NextPageToken);

/// <summary>
/// Resolves a query's interval (auto included) and page token, and reads one page; shared by the JSON and SVG routes.
/// </summary>
public sealed class NavPages(NavPointReader reader, NavPageTokens tokens)
{
    public async Task<(NavPage? Page, IResult? Error)> ReadAsync(
        string tenant,
        NavQuery query,
        CancellationToken cancellationToken
    )
    {
        var binding = NavPageTokens.Binding(
            tenant,
            query.Series,
            query.Cell,
            query.Currency,
            query.From,
            query.To,
            query.Interval
        );
        NavInterval interval;
        NavCursor? after = null;
        if (query.PageToken is { } token)
        {
            // auto keeps the interval its first page resolved to, even if new points would move the range.
            if (!tokens.TryRead(binding, token, out interval, out after))
                return (null, NavQuery.InvalidPageToken().Item2);
        }
        else
        {
            interval = NavInterval.Named(query.Interval)
                ?? await AutoAsync(tenant, query, cancellationToken).ConfigureAwait(false);
        }

        var points = await reader
            .ReadAsync(tenant, query, interval, after, query.Limit + 1, cancellationToken)
            .ConfigureAwait(false);
        string? next = null;
        if (points.Count > query.Limit)
        {
            points.RemoveAt(points.Count - 1);
            var last = points[^1];
            next = tokens.Create(
                binding,
                interval,
                new NavCursor(last.Ts, last.Cell, last.Currency, interval.IsRaw ? last.FillsApplied : 0, last.EventId)
            );
        }
        return (new NavPage(points, interval, next), null);
    }

    private async Task<NavInterval> AutoAsync(string tenant, NavQuery query, CancellationToken cancellationToken)
    {
        if (query is { From: { } from, To: { } to })
            return NavInterval.ForRange(to - from);
        // An open end takes the first or last point's time, from the day rollup.
        var span = await reader.SpanAsync(tenant, query, cancellationToken).ConfigureAwait(false);
        if (span is not { } known)
            return NavInterval.Bucketed[0];
        var start = query.From?.UtcDateTime ?? known.First;
        var end = query.To?.UtcDateTime ?? known.Last;
        return NavInterval.ForRange(end > start ? end - start : TimeSpan.Zero);
    }
}
