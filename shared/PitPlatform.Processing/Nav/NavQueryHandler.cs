using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;
using PitPlatform.Contracts.Keys;

namespace PitPlatform.Processing.Nav;

/// <summary>GET /v1/series/{series}/nav?cell=&amp;from=&amp;to=&amp;limit=: NAV points of the key's tenant, oldest first.</summary>
public sealed class NavQueryHandler(RequestAuthentication authentication, NpgsqlDataSource database, ILogger<NavQueryHandler> logger)
{
    public const int DefaultLimit = 1000;
    public const int MaxLimit = 10_000;

    public Task<IResult> HandleAsync(HttpRequest request, string series, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(() => HandleCoreAsync(request, series, cancellationToken), logger, "GET /v1/series/{series}/nav");

    private async Task<IResult> HandleCoreAsync(HttpRequest request, string series, CancellationToken cancellationToken)
    {
        var (principal, failure) = await authentication.RequireAsync(request, ApiKeyScope.Read, cancellationToken).ConfigureAwait(false);
        if (failure is not null) return failure;
        if (KeySegment.Check("series", series) is { } seriesError) return ApiErrors.BadRequest("ERR_VALIDATION", seriesError, new { parameter = "series" });
        var cell = request.Query["cell"].FirstOrDefault();
        if (cell is not null && KeySegment.Check("cell", cell) is { } cellError) return ApiErrors.BadRequest("ERR_VALIDATION", cellError, new { parameter = "cell" });
        if (!TryTime(request, "from", DateTimeOffset.MinValue, out var from) || !TryTime(request, "to", DateTimeOffset.MaxValue, out var to))
            return ApiErrors.BadRequest("ERR_VALIDATION", "from and to must be RFC 3339 date-times", new { parameter = "from/to" });
        var limit = DefaultLimit;
        if (request.Query["limit"].FirstOrDefault() is { } limitText && (!int.TryParse(limitText, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
            return ApiErrors.BadRequest("ERR_VALIDATION", $"limit must be 1 to {MaxLimit}", new { parameter = "limit" });

        await using var command = database.CreateCommand("""
            SELECT ts, cell, currency, nav_micros, cash_micros, positions_value_micros, fills_applied FROM nav_points
            WHERE tenant = $1 AND series = $2 AND ($3::text IS NULL OR cell = $3) AND ts >= $4 AND ts <= $5
            ORDER BY ts, cell, fills_applied LIMIT $6
            """);
        command.Parameters.Add(new() { Value = principal!.Tenant });
        command.Parameters.Add(new() { Value = series });
        command.Parameters.Add(new() { Value = (object?)cell ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = from.UtcDateTime });
        command.Parameters.Add(new() { Value = to.UtcDateTime });
        command.Parameters.Add(new() { Value = limit });
        var points = new List<NavPoint>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                points.Add(new NavPoint(reader.GetDateTime(0), reader.GetString(1), reader.GetString(2),
                    reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6)));
        }
        return Results.Json(new NavResponse(points, new NavMeta(series, cell, points.Count, limit)), ApiJson.Options);
    }

    private static bool TryTime(HttpRequest request, string name, DateTimeOffset fallback, out DateTimeOffset value)
    {
        value = fallback;
        var text = request.Query[name].FirstOrDefault();
        if (text is null) return true;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }
}

public sealed record NavPoint(DateTime Ts, string Cell, string Currency, long NavMicros, long CashMicros, long PositionsValueMicros, long FillsApplied);

public sealed record NavResponse(IReadOnlyList<NavPoint> Data, NavMeta Meta);

public sealed record NavMeta(string Series, string? Cell, int Count, int Limit);
