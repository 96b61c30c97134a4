using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;
using PitPlatform.Access.RateLimiting;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Schema;
using PitPlatform.Contracts.Telemetry;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Ingestion.Events;
using PitPlatform.Ingestion.Redaction;
using PitPlatform.Ingestion.Refusals;

namespace PitPlatform.Ingestion;

/// <summary>
/// POST /v1/events: authenticates, validates each event, envelopes it and produces it to Kafka, then answers only
/// after Kafka acknowledged (acks=all) every event it reports as accepted.
/// </summary>
public sealed class IngestEventsHandler(
    RequestAuthentication authentication,
    IngestEventParser parser,
    EnvelopeBuilder envelopes,
    EnvelopeProducer producer,
    ApiKeyRateLimiter rateLimiter,
    TenantRedactionPolicies redaction,
    ILogger<IngestEventsHandler> logger,
    IngestRefusalCounter? refusals = null
)
{
    public const int MaxEvents = 1000;
    public const int MaxBodyBytes = 5 * 1024 * 1024;
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 32 };

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken) =>
        WithVersions(
            await OutageGuard
                .RunAsync(() => HandleCoreAsync(request, cancellationToken), logger, "POST /v1/events")
                .ConfigureAwait(false)
        );

    /// <summary>Every answer names the API version and the oldest SDK still supported (SdkCompatibility).</summary>
    private static ResultWithHeaders WithVersions(IResult result) =>
        new(
            result,
            [
                new(SdkCompatibility.ApiVersionHeader, SdkCompatibility.ApiVersion),
                new(SdkCompatibility.MinSupportedSdkHeader, SdkCompatibility.MinSupportedSdk),
            ]
        );

    private async Task<IResult> HandleCoreAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var requestId = ApiRequestId.Of(request.HttpContext);
        var (principal, failure) = await authentication
            .RequireAsync(request, ApiKeyScope.Ingest, cancellationToken)
            .ConfigureAwait(false);
        if (failure is not null)
            return failure;

        if (!IsJson(request.ContentType))
            return ApiErrors.Error(
                StatusCodes.Status415UnsupportedMediaType,
                "ERR_UNSUPPORTED_MEDIA_TYPE",
                "the body must be application/json"
            );
        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        var gzip = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
            return ApiErrors.Error(
                StatusCodes.Status415UnsupportedMediaType,
                "ERR_UNSUPPORTED_MEDIA_TYPE",
                "the body must be application/json, with Content-Encoding gzip or none"
            );
        var body = await RequestBody.ReadAsync(request, MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (body is not null && gzip)
        {
            try
            {
                body = GzipBody.Decode(body, MaxBodyBytes);
            }
            catch (InvalidDataException)
            {
                return ApiErrors.BadRequest("ERR_MALFORMED_JSON", "the body is not valid gzip");
            }
        }
        if (body is null)
            return ApiErrors.Error(
                StatusCodes.Status413PayloadTooLarge,
                "ERR_PAYLOAD_TOO_LARGE",
                $"the body is larger than {MaxBodyBytes} bytes",
                new { limit = MaxBodyBytes }
            );

        // JsonDocument defers checking UTF-8 inside strings until they are read; refuse bad bytes before that.
        if (!System.Text.Unicode.Utf8.IsValid(body))
            return ApiErrors.BadRequest("ERR_MALFORMED_JSON", "the body is not valid UTF-8", InvalidUtf8At(body));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, JsonOptions);
        }
        catch (JsonException e)
        {
            return ApiErrors.BadRequest(
                "ERR_MALFORMED_JSON",
                "the body is not valid JSON",
                new { line = e.LineNumber, byte_position = e.BytePositionInLine }
            );
        }
        using (document)
        {
            // Text outside the events is checked here, the events' own by the schema, one event at a time.
            if (JsonRequestBody.Refusal(document.RootElement, skipMember: "data") is { } unstorable)
                return unstorable;
            if (
                document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("data", out var data)
                || data.ValueKind != JsonValueKind.Array
            )
                return ApiErrors.BadRequest(
                    "ERR_INVALID_BODY",
                    "the body must be {\"data\":[event, ...]}",
                    new { pointer = "/data" }
                );
            var count = data.GetArrayLength();
            if (count is < 1 or > MaxEvents)
                return ApiErrors.BadRequest(
                    "ERR_BATCH_SIZE",
                    $"data must hold 1 to {MaxEvents} events",
                    new { pointer = "/data", count }
                );

            // Charged per event, before anything is validated or produced: a refused request writes nothing.
            var limit = rateLimiter.TryAcquire(
                principal!.KeyPrefix,
                count,
                principal.RatePerSecond,
                principal.Burst,
                principal.Plan
            );
            if (!limit.Allowed)
            {
                refusals?.Add(principal.Tenant, "ERR_RATE_LIMITED", count);
                logger.LogInformation(
                    "ingest request {RequestId} tenant {Tenant} key {KeyPrefix}: rate limited ({Count} events)",
                    requestId,
                    principal.Tenant,
                    principal.KeyPrefix,
                    count
                );
                return WithRateLimit(
                    ApiErrors.Error(
                        StatusCodes.Status429TooManyRequests,
                        "ERR_RATE_LIMITED",
                        $"the key's rate of events is exhausted; retry in {limit.RetryAfterSeconds} s",
                        new { retry_after_seconds = limit.RetryAfterSeconds }
                    ),
                    limit
                );
            }

            var policy = await redaction.GetAsync(principal.Tenant, cancellationToken).ConfigureAwait(false);
            var parsed = new List<ParsedEvent>(count);
            var index = 0;
            foreach (var element in data.EnumerateArray())
            {
                var one = parser.Parse(element, index++, principal.Tenant, policy);
                if (one.NamesOtherTenant)
                {
                    refusals?.Add(principal.Tenant, "ERR_TENANT_MISMATCH", count);
                    return ApiErrors.Error(
                        StatusCodes.Status403Forbidden,
                        "ERR_TENANT_MISMATCH",
                        one.Errors[0].Message,
                        new { pointer = one.Errors[0].Pointer }
                    );
                }
                parsed.Add(one);
            }
            var result = await ProduceAsync(parsed, requestId, principal.Tenant).ConfigureAwait(false);
            IngestMetrics.Record(parsed, result);
            refusals?.AddRejected(principal.Tenant, result);
            logger.LogInformation(
                "ingest request {RequestId} tenant {Tenant} key {KeyPrefix}: {Accepted} accepted, {Rejected} "
                    + "rejected in {ElapsedMs} ms",
                requestId,
                principal.Tenant,
                principal.KeyPrefix,
                result.Meta.Accepted,
                result.Meta.Rejected,
                (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds
            );
            if (result.Meta.Accepted == 0 && result.Data.Any(r => r.Error?.Code == EventError.Unavailable))
                return ApiErrors.Unavailable("Kafka did not acknowledge the events; nothing was accepted, retry later");
            if (result.Meta.Rejected == 0 && ReturnPreference.IsMinimal(request))
            {
                // Every event stored and the client needs no per-event list: the counts alone (RFC 7240).
                return WithRateLimit(
                    new ResultWithHeaders(
                        Results.Json(
                            new IngestMinimalResponse(result.Meta),
                            IngestJsonContext.Default.IngestMinimalResponse,
                            statusCode: StatusCodes.Status202Accepted
                        ),
                        [new(ReturnPreference.AppliedHeader, ReturnPreference.Minimal)]
                    ),
                    limit
                );
            }
            var status = result.Meta.Rejected == 0 ? StatusCodes.Status202Accepted : StatusCodes.Status207MultiStatus;
            return WithRateLimit(
                Results.Json(result, IngestJsonContext.Default.IngestResponse, statusCode: status),
                limit
            );
        }
    }

    private async Task<IngestResponse> ProduceAsync(List<ParsedEvent> parsed, string requestId, string tenant)
    {
        var spans = SendSpans.StartIfListened(tenant);
        // Only while spans are recorded: with tracing off ASP.NET Core still makes a request activity (for log scopes).
        if (spans is not null && Activity.Current is { IsAllDataRequested: true } request)
            request.SetTag(PitTelemetry.Tenant, tenant);
        var results = new IngestResult?[parsed.Count];
        var firstById = new Dictionary<Guid, IngestEvent>();
        var toProduce = new List<(int Index, EventEnvelope Envelope)>();
        for (var i = 0; i < parsed.Count; i++)
        {
            var one = parsed[i];
            if (one.Event is not { } e)
            {
                results[i] = Rejected(one.EventId, one.Errors[0]);
                continue;
            }
            if (firstById.TryGetValue(e.EventId, out var first))
            {
                results[i] =
                    first.Source.GetRawText() == e.Source.GetRawText()
                        ? new IngestResult(e.EventId.ToString("D"), IngestResult.Duplicate)
                        : Rejected(
                            e.EventId,
                            new EventError(
                                EventError.IdempotencyConflict,
                                "event_id repeats an earlier event of this batch with a different body",
                                $"/data/{i}/event_id"
                            )
                        );
                continue;
            }
            firstById[e.EventId] = e;
            var (traceparent, tracestate) = SendSpans.Context(spans, e.Topic);
            var envelope = envelopes.Build(e.EventId, e.Ts, e.Topic, e.Key, e.Payload, traceparent, tracestate);
            spans?.Built(e.Topic, envelope.EventId);
            toProduce.Add((i, envelope));
        }

        // Not cancellable once handed to Kafka: a record may still be stored after the client gave up, which is
        // harmless (at-least-once, deduplicated downstream) as long as it is never reported accepted unacknowledged.
        var outcomes = await producer
            .ProduceBatchAsync(toProduce.Select(p => p.Envelope).ToList())
            .ConfigureAwait(false);
        var unacknowledged = 0;
        string? reason = null;
        for (var j = 0; j < toProduce.Count; j++)
        {
            var (i, envelope) = toProduce[j];
            var outcome = outcomes[j];
            spans?.Answered(envelope.Topic, outcome.Error);
            if (outcome.Record is { } record)
                results[i] = new IngestResult(
                    envelope.EventId,
                    IngestResult.Accepted,
                    record.Topic,
                    record.Partition,
                    record.Offset
                );
            else if (outcome.Error is EnvelopeTooLargeException tooLarge)
                results[i] = Rejected(
                    Guid.Parse(envelope.EventId),
                    new EventError(EventError.TooLarge, tooLarge.Message, $"/data/{i}")
                );
            else
            {
                unacknowledged++;
                reason ??= outcome.Error?.Message;
                results[i] = Rejected(
                    Guid.Parse(envelope.EventId),
                    new EventError(
                        EventError.Unavailable,
                        "Kafka did not acknowledge the event; retry it",
                        $"/data/{i}"
                    )
                );
            }
        }
        spans?.Stop();
        if (unacknowledged > 0)
            logger.LogWarning(
                "ingest request {RequestId}: Kafka did not acknowledge {Count} events ({Reason})",
                requestId,
                unacknowledged,
                reason
            );
        var accepted = results.Count(r => r!.Status != IngestResult.Rejected);
        return new IngestResponse(results!, new IngestMeta(accepted, results.Length - accepted, requestId));
    }

    private static IngestResult Rejected(Guid? eventId, EventError error) =>
        new(
            eventId?.ToString("D"),
            IngestResult.Rejected,
            Error: new IngestResultError(error.Code, error.Message, new IngestErrorDetails(error.Pointer))
        );

    /// <summary>RateLimit-* (IETF draft) on every answer past authentication, and Retry-After on a 429.</summary>
    private static IResult WithRateLimit(IResult result, RateLimitDecision limit)
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new("RateLimit-Limit", limit.Limit.ToString(CultureInfo.InvariantCulture)),
            new("RateLimit-Remaining", limit.Remaining.ToString(CultureInfo.InvariantCulture)),
            new("RateLimit-Reset", limit.ResetSeconds.ToString(CultureInfo.InvariantCulture)),
        };
        if (!limit.Allowed)
            headers.Add(new("Retry-After", limit.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture)));
        return new ResultWithHeaders(result, headers);
    }

    /// <summary>
    /// Where in a body that is not UTF-8 the bad bytes are, when they are inside a string of otherwise valid JSON.
    /// </summary>
    private static object? InvalidUtf8At(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, JsonOptions);
            var findings = new List<TextFinding>();
            StorableText.Find(document.RootElement, "", nulAllowed: true, findings);
            return findings.FirstOrDefault(f => f.Fault == TextFault.InvalidUtf8) is { } found
                ? new { pointer = found.Pointer }
                : null;
        }
        catch (JsonException)
        {
            // Bad bytes outside any string: the body is not JSON either, and there is no member to point at.
            return null;
        }
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null
        && contentType.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);
}
