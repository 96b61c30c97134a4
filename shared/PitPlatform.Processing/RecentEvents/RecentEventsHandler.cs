using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;
using PitPlatform.Contracts.Keys;

namespace PitPlatform.Processing.RecentEvents;

/// <summary>
/// GET /v1/events/recent: the key's tenant's accepted events newest first, filtered by time (from inclusive, to
/// exclusive; default the last 24 hours), type, series, cell, model and status; keyset paged on (ts, event_id).
/// GET /v1/events/recent/{event_id}: one of them with where it went. Read scope; another tenant's event is a 404.
/// Each event carries <c>duplicates</c>, the later deliveries of it the usage aggregator deduplicated (a client resend
/// the edge accepted twice); its status stays that of the delivery it processed (<c>applied</c> for a fill applied
/// once and sent twice), and the status filter <c>deduplicated</c> selects the events with at least one duplicate,
/// whatever their status. The detail says how many and when the first and last were seen.
/// </summary>
public sealed class RecentEventsHandler(
    RequestAuthentication authentication,
    NpgsqlDataSource database,
    TimeProvider time,
    ILogger<RecentEventsHandler> logger
)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    private static readonly string[] Consumers = [Usage.UsageAggregator.Group, Nav.NavProcessor.Group];

    public Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(() => ListCoreAsync(request, cancellationToken), logger, "GET /v1/events/recent");

    public Task<IResult> GetAsync(HttpRequest request, string eventId, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            () => GetCoreAsync(request, eventId, cancellationToken),
            logger,
            "GET /v1/events/recent/{event_id}"
        );

    private async Task<IResult> ListCoreAsync(HttpRequest request, CancellationToken cancellationToken)
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
        var type = request.Query["type"].FirstOrDefault();
        var series = request.Query["series"].FirstOrDefault();
        var cell = request.Query["cell"].FirstOrDefault();
        var model = request.Query["model"].FirstOrDefault();
        var status = request.Query["status"].FirstOrDefault();
        if (series is not null && !KeySegment.IsValid(series))
            return Bad("series is not a valid key segment", "series");
        if (cell is not null && !KeySegment.IsValid(cell))
            return Bad("cell is not a valid key segment", "cell");
        if (type is not null && type.Length is 0 or > 64)
            return Bad("type must be 1 to 64 characters", "type");
        if (model is not null && model.Length is 0 or > 200)
            return Bad("model must be 1 to 200 characters", "model");
        if (status is not null && !RecentEventStatus.Filters.Contains(status))
            return Bad("status must be applied, pending, counted, dead_lettered or deduplicated", "status");
        if (QueryParameters.Limit(request, DefaultLimit, MaxLimit, out var limit) is { } badLimit)
            return badLimit;
        DateTimeOffset? afterTs = null;
        Guid? afterId = null;
        if (request.Query["page_token"].FirstOrDefault() is { } token)
        {
            if (!RecentEventsPageToken.TryRead(token, out var ts, out var id))
                return Bad("page_token is not a token this query returned; start again without it", "page_token");
            (afterTs, afterId) = (ts, id);
        }

        await using var command = database.CreateCommand(
            $"""
            SELECT * FROM (
                SELECT r.event_id, r.type, r.ts, r.series, r.cell, r.model, r.accepted_at, {RecentEventStatus.Sql} AS status,
                       {RecentEventStatus.DuplicatesSql} AS duplicates
                FROM recent_events r
                WHERE r.tenant = $1 AND r.ts >= $2 AND r.ts < $3
                  AND ($4::text IS NULL OR r.type = $4) AND ($5::text IS NULL OR r.series = $5) AND ($6::text IS NULL OR r.cell = $6)
                  AND ($7::text IS NULL OR r.model = $7)
                  AND ($9::timestamptz IS NULL OR (r.ts, r.event_id) < ($9, $10::uuid))
                ORDER BY r.ts DESC, r.event_id DESC) s
            WHERE ($8::text IS NULL OR s.status = $8 OR ($8 = '{RecentEventStatus.Deduplicated}' AND s.duplicates > 0))
            LIMIT $11
            """
        );
        command.Parameters.Add(new() { Value = principal!.Tenant });
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        foreach (var text in new[] { type, series, cell, model, status })
            command.Parameters.Add(new() { Value = (object?)text ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(
            new() { Value = (object?)afterTs ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz }
        );
        command.Parameters.Add(new() { Value = (object?)afterId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new() { Value = limit + 1 });
        var events = new List<RecentEventView>(Math.Min(limit, 1024));
        var more = false;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (events.Count == limit)
                {
                    more = true;
                    break;
                }
                events.Add(Read(reader));
            }
        }
        var next = more
            ? RecentEventsPageToken.Write(new DateTimeOffset(events[^1].Ts, TimeSpan.Zero), events[^1].EventId)
            : null;
        return Results.Json(
            new RecentEventsResponse(
                events,
                new RecentEventsMeta(from.UtcDateTime, to.UtcDateTime, events.Count, limit, next)
            ),
            ApiJson.Options
        );
    }

    private async Task<IResult> GetCoreAsync(
        HttpRequest request,
        string eventIdText,
        CancellationToken cancellationToken
    )
    {
        var (principal, failure) = await authentication
            .RequireAsync(request, ApiKeyScope.Read, cancellationToken)
            .ConfigureAwait(false);
        if (failure is not null)
            return failure;
        if (!Guid.TryParse(eventIdText, out var eventId))
            return Bad("event_id must be a UUID", "event_id");

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        RecentEventView? view = null;
        await using (
            var command = new NpgsqlCommand(
                $"""
                SELECT r.event_id, r.type, r.ts, r.series, r.cell, r.model, r.accepted_at, {RecentEventStatus.Sql},
                       {RecentEventStatus.DuplicatesSql}
                FROM recent_events r WHERE r.event_id = $1 AND r.tenant = $2
                """,
                connection
            )
        )
        {
            command.Parameters.Add(new() { Value = eventId });
            command.Parameters.Add(new() { Value = principal!.Tenant });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                view = Read(reader);
        }
        if (view is null)
            return ApiErrors.Error(
                StatusCodes.Status404NotFound,
                "ERR_NOT_FOUND",
                "no recent event of this tenant has that id"
            );

        var handled = new List<EventHandling>();
        await using (
            var command = new NpgsqlCommand(
                "SELECT consumer, processed_at FROM processed_events "
                    + "WHERE consumer = ANY($1) AND event_id = $2 ORDER BY processed_at, consumer",
                connection
            )
        )
        {
            command.Parameters.Add(new() { Value = Consumers });
            command.Parameters.Add(new() { Value = eventId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                handled.Add(
                    new EventHandling(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1).UtcDateTime)
                );
        }
        var deadLetters = new List<EventDeadLetter>();
        await using (
            var command = new NpgsqlCommand(
                "SELECT consumer, reason, dead_lettered_at FROM dead_lettered_events "
                    + "WHERE event_id = $1 AND tenant = $2 ORDER BY dead_lettered_at, consumer",
                connection
            )
        )
        {
            command.Parameters.Add(new() { Value = eventId });
            command.Parameters.Add(new() { Value = principal.Tenant });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                deadLetters.Add(
                    new EventDeadLetter(
                        reader.GetString(0),
                        reader.GetString(1),
                        reader.GetFieldValue<DateTimeOffset>(2).UtcDateTime
                    )
                );
        }
        var deduplicated =
            view.Duplicates == 0
                ? null
                : await DeduplicatedAsync(connection, eventId, cancellationToken).ConfigureAwait(false);
        LlmCallSummary? call = null;
        await using (
            var command = new NpgsqlCommand(
                """
                SELECT input_tokens, output_tokens, cost_micros, currency, latency_ms, flagged, text_kept_because,
                       CASE WHEN text_kept_because IS NOT NULL THEN prompt END, CASE WHEN text_kept_because IS NOT NULL THEN response END
                FROM llm_calls WHERE event_id = $1 AND tenant = $2
                """,
                connection
            )
        )
        {
            command.Parameters.Add(new() { Value = eventId });
            command.Parameters.Add(new() { Value = principal.Tenant });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                call = new LlmCallSummary(
                    reader.GetInt64(0),
                    reader.GetInt64(1),
                    reader.GetInt64(2),
                    reader.GetString(3) is { Length: > 0 } c ? c : null,
                    reader.GetInt64(4),
                    reader.GetBoolean(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7),
                    reader.IsDBNull(8) ? null : reader.GetString(8)
                );
        }
        return Results.Json(new RecentEventDetail(view, handled, deadLetters, deduplicated, call), ApiJson.Options);
    }

    /// <summary>
    /// The later deliveries of the event the usage aggregator recognised as duplicates: how many, when.
    /// </summary>
    private static async Task<EventDuplicates?> DeduplicatedAsync(
        NpgsqlConnection connection,
        Guid eventId,
        CancellationToken cancellationToken
    )
    {
        await using var command = new NpgsqlCommand(
            "SELECT count(*), min(seen_at), max(seen_at) FROM deduplicated_deliveries "
                + "WHERE event_id = $1 AND consumer = $2 HAVING count(*) > 0",
            connection
        );
        command.Parameters.Add(new() { Value = eventId });
        command.Parameters.Add(new() { Value = Usage.UsageAggregator.Group });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            return null;
        return new EventDuplicates(
            reader.GetInt64(0),
            reader.GetFieldValue<DateTimeOffset>(1).UtcDateTime,
            reader.GetFieldValue<DateTimeOffset>(2).UtcDateTime
        );
    }

    private static RecentEventView Read(NpgsqlDataReader reader) =>
        new(
            reader.GetGuid(0),
            reader.GetString(1),
            reader.GetFieldValue<DateTimeOffset>(2).UtcDateTime,
            reader.GetString(3),
            reader.GetString(4) is { Length: > 0 } cell ? cell : null,
            reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.GetFieldValue<DateTimeOffset>(6).UtcDateTime,
            reader.GetString(7),
            reader.GetInt64(8)
        );

    private static IResult Bad(string message, string parameter) =>
        ApiErrors.BadRequest("ERR_VALIDATION", message, new { parameter });
}
