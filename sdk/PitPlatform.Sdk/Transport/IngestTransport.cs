using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using PitPlatform.Sdk.Results;

namespace PitPlatform.Sdk.Transport;

/// <summary>
/// One POST /v1/events attempt: headers, timeout, and the answer read into an <see cref="AttemptOutcome"/>.
/// </summary>
internal sealed class IngestTransport(HttpClient http, Uri eventsUri, string apiKey, PitIngestionClientOptions options)
{
    public const string ApiVersionHeader = "Pit-Api-Version";
    public const string SdkVersionHeader = "Pit-Sdk-Version";
    public const string MinSupportedSdkHeader = "Pit-Min-Supported-Sdk";
    public const string PreferHeader = "Prefer";
    public const string ReturnMinimal = "return=minimal";

    private readonly AuthenticationHeaderValue _authorization = new("Bearer", apiKey);
    private readonly ProductInfoHeaderValue _userAgent = new("pit-sdk-dotnet", PitIngestionClient.SdkVersion);

    /// <param name="body">The request body, gzip-compressed when the options say so.</param>
    /// <param name="events">How many events it holds.</param>
    /// <param name="minimal">Whether to ask for the counts alone when every event is stored (RFC 7240
    /// <c>return=minimal</c>): for callers that need no per-event answer.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async Task<AttemptOutcome> SendAsync(
        ArraySegment<byte> body,
        int events,
        bool minimal,
        CancellationToken cancellationToken
    )
    {
        using var activity = PitIngestionClient.ActivitySource.StartActivity("pit.ingest.send", ActivityKind.Client);
        activity?.SetTag("pit.events", events);
        activity?.SetTag("server.address", eventsUri.Host);
        using var request = new HttpRequestMessage(HttpMethod.Post, eventsUri)
        {
            Content = new ByteArrayContent(body.Array!, body.Offset, body.Count),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (options.EnableGzip)
            request.Content.Headers.ContentEncoding.Add("gzip");
        request.Headers.Authorization = _authorization;
        request.Headers.UserAgent.Add(_userAgent);
        request.Headers.Add(ApiVersionHeader, PitIngestionClient.ApiVersion);
        request.Headers.Add(SdkVersionHeader, PitIngestionClient.SdkVersion);
        if (minimal)
            request.Headers.TryAddWithoutValidation(PreferHeader, ReturnMinimal);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.NetworkTimeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token)
                .ConfigureAwait(false);
            var text = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            var outcome = Read(response, text, events, minimal);
            activity?.SetTag("http.response.status_code", outcome.Status);
            if (outcome.Failure is not null)
                activity?.SetStatus(ActivityStatusCode.Error, outcome.Failure.ErrorCode);
            return outcome;
        }
        catch (Exception e)
            when (e is HttpRequestException or IOException
                || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            )
        {
            // No answer (refused, reset, timed out): the events may or may not have been stored; resending is safe
            // because the event ids are kept and the consumers deduplicate on them.
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            var what =
                e is OperationCanceledException
                    ? $"no answer within {options.NetworkTimeout.TotalSeconds:0.#} s"
                    : e.Message;
            return new AttemptOutcome(
                0,
                null,
                new PitIngestionException($"POST {eventsUri} failed: {what}", 0, null, isTransient: true, e),
                null,
                null
            );
        }
    }

    private AttemptOutcome Read(HttpResponseMessage response, byte[] body, int events, bool minimal)
    {
        var status = (int)response.StatusCode;
        var minimum = response.Headers.TryGetValues(MinSupportedSdkHeader, out var values)
            ? values.FirstOrDefault()
            : null;
        var retryAfter = response.Headers.RetryAfter is { } header
            ? header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null)
            : null;
        if (status is 202 or 207)
        {
            // Counts alone are taken only when asked for: a caller that needs every event's result must not get fewer.
            var (results, allStored) = TryReadResults(body, events, countsSuffice: minimal && status == 202);
            return results is not null || allStored
                ? new AttemptOutcome(status, results, null, null, minimum, allStored)
                // A success status with a body that is not the API's (a proxy, a truncated answer): nothing is known,
                // so resend.
                : new AttemptOutcome(
                    status,
                    null,
                    new PitIngestionException(
                        $"the API answered {status} with an unreadable body",
                        status,
                        null,
                        isTransient: true
                    ),
                    null,
                    minimum
                );
        }
        var (code, message) = TryReadError(body);
        var transient = status is 408 or 429 or 500 or 502 or 503 or 504;
        if (status == (int)HttpStatusCode.UpgradeRequired)
            code ??= PitEventError.SdkUnsupported;
        var failure = new PitIngestionException(
            $"POST {eventsUri} answered {status} {code}: {message ?? response.ReasonPhrase}",
            status,
            code,
            transient
        );
        return new AttemptOutcome(status, null, failure, retryAfter, minimum);
    }

    /// <summary>
    /// The per-event list; or, when <paramref name="countsSuffice"/> (a 202 to <c>return=minimal</c>) and the body has
    /// no list but counts covering the whole batch (recognised by its shape, not by Preference-Applied, which a proxy
    /// may drop), that every event was stored; or neither when the body is not the API's.
    /// </summary>
    private static (PitEventResult[]? Results, bool AllStored) TryReadResults(
        byte[] body,
        int events,
        bool countsSuffice
    )
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("data", out var data))
                return (null, countsSuffice && CountsCoverTheBatch(document.RootElement, events));
            if (data.ValueKind != JsonValueKind.Array || data.GetArrayLength() != events)
                return (null, false);
            var results = new PitEventResult[events];
            var i = 0;
            foreach (var item in data.EnumerateArray())
            {
                var id =
                    item.TryGetProperty("event_id", out var idText)
                    && idText.ValueKind == JsonValueKind.String
                    && Guid.TryParse(idText.GetString(), out var parsed)
                        ? parsed
                        : Guid.Empty;
                var status = item.GetProperty("status").GetString() switch
                {
                    "accepted" => PitEventStatus.Accepted,
                    "duplicate" => PitEventStatus.Duplicate,
                    _ => PitEventStatus.Rejected,
                };
                PitEventError? error = null;
                if (item.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object)
                {
                    var pointer =
                        e.TryGetProperty("details", out var details)
                        && details.ValueKind == JsonValueKind.Object
                        && details.TryGetProperty("pointer", out var p)
                        && p.ValueKind == JsonValueKind.String
                            ? p.GetString()
                            : null;
                    error = new PitEventError(
                        e.GetProperty("code").GetString() ?? "ERR_UNKNOWN",
                        e.GetProperty("message").GetString() ?? "",
                        pointer
                    );
                }
                results[i++] = new PitEventResult(
                    id,
                    status,
                    error,
                    item.TryGetProperty("topic", out var topic) && topic.ValueKind == JsonValueKind.String
                        ? topic.GetString()
                        : null,
                    item.TryGetProperty("partition", out var partition) && partition.ValueKind == JsonValueKind.Number
                        ? partition.GetInt32()
                        : null,
                    item.TryGetProperty("offset", out var offset) && offset.ValueKind == JsonValueKind.Number
                        ? offset.GetInt64()
                        : null
                );
            }
            return (results, false);
        }
        catch (Exception e)
            when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return (null, false); // not the API's result shape; the caller treats the answer as unknown
        }
    }

    private static bool CountsCoverTheBatch(JsonElement root, int events) =>
        root.TryGetProperty("meta", out var meta)
        && meta.ValueKind == JsonValueKind.Object
        && meta.TryGetProperty("accepted", out var accepted)
        && accepted.ValueKind == JsonValueKind.Number
        && accepted.TryGetInt32(out var stored)
        && stored == events
        && meta.TryGetProperty("rejected", out var rejected)
        && rejected.ValueKind == JsonValueKind.Number
        && rejected.TryGetInt32(out var refused)
        && refused == 0;

    private static (string? Code, string? Message) TryReadError(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var error = document.RootElement.GetProperty("error");
            return (error.GetProperty("code").GetString(), error.GetProperty("message").GetString());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return (null, null); // an answer from something in between (a proxy, a load balancer): the status decides
        }
    }
}
