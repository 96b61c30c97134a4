using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PitPlatform.Billing.Stripe;

/// <summary>
/// A small typed client over Stripe's REST API (Stripe.net is not available to us). Every request carries
/// <c>Authorization: Bearer</c> with the secret key and the pinned <c>Stripe-Version</c>; every POST carries an
/// <c>Idempotency-Key</c> that stays the same across its retries. 429, 5xx and network errors are retried with
/// exponential backoff and jitter, honouring Retry-After and Stripe-Should-Retry; anything else fails at once with a
/// <see cref="StripeException"/> built from Stripe's error object.
/// </summary>
public class StripeClient
{
    private static readonly HttpMessageHandler SharedTransport = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
    private readonly Func<CancellationToken, ValueTask<string>> _secretKey;
    private readonly StripeClientOptions _options;
    private readonly HttpClient _http;

    /// <summary>For mocking.</summary>
    protected StripeClient()
    {
        _secretKey = _ => ValueTask.FromResult("");
        _options = new StripeClientOptions();
        _http = new HttpClient();
    }

    public StripeClient(string secretKey, StripeClientOptions? options = null)
        : this(_ => ValueTask.FromResult(secretKey), options)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretKey);
    }

    /// <param name="secretKey">Asked before each request, so a rotated key (from Key Vault, cached) is picked up without a restart.</param>
    public StripeClient(Func<CancellationToken, ValueTask<string>> secretKey, StripeClientOptions? options = null)
    {
        _secretKey = secretKey;
        _options = options ?? new StripeClientOptions();
        _http = new HttpClient(_options.Transport ?? SharedTransport, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// POST /v1/billing/meter_events. The Idempotency-Key derives from the identifier and the exact body, so a retry or
    /// a re-run of the same report replays Stripe's first answer instead of recording usage twice.
    /// </summary>
    public virtual Task<StripeResponse<StripeMeterEvent>> CreateMeterEventAsync(StripeMeterEventRequest request, CancellationToken cancellationToken = default) =>
        SendMeterEventAsync(request, async: true, cancellationToken);

    public virtual StripeResponse<StripeMeterEvent> CreateMeterEvent(StripeMeterEventRequest request, CancellationToken cancellationToken = default) =>
        SendMeterEventAsync(request, async: false, cancellationToken).GetAwaiter().GetResult();

    /// <summary>Any form-encoded POST (protocol method): the answer's JSON as Stripe sent it.</summary>
    /// <param name="idempotencyKey">Null generates one, kept across this call's retries.</param>
    public virtual Task<StripeResponse<JsonElement>> PostAsync(string path, StripeForm form, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, path, form, idempotencyKey ?? Guid.NewGuid().ToString(), async: true, cancellationToken);

    public virtual StripeResponse<JsonElement> Post(string path, StripeForm form, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, path, form, idempotencyKey ?? Guid.NewGuid().ToString(), async: false, cancellationToken).GetAwaiter().GetResult();

    /// <summary>Any GET (protocol method).</summary>
    public virtual Task<StripeResponse<JsonElement>> GetAsync(string path, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, path, null, null, async: true, cancellationToken);

    public virtual StripeResponse<JsonElement> Get(string path, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, path, null, null, async: false, cancellationToken).GetAwaiter().GetResult();

    /// <summary>The Idempotency-Key a meter event is sent with: its identifier plus a digest of the exact body.</summary>
    public static string MeterEventIdempotencyKey(StripeMeterEventRequest request)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(request.ToForm().Encode()));
        return $"{request.Identifier}-{Convert.ToHexStringLower(digest)[..16]}";
    }

    private async Task<StripeResponse<StripeMeterEvent>> SendMeterEventAsync(StripeMeterEventRequest request, bool async, CancellationToken cancellationToken)
    {
        var response = await SendAsync(HttpMethod.Post, "v1/billing/meter_events", request.ToForm(), MeterEventIdempotencyKey(request), async, cancellationToken)
            .ConfigureAwait(false);
        var value = response.Value.Deserialize<StripeMeterEvent>()
            ?? throw new StripeException(response.Status, "api_error", null, null, null, response.RequestId, "Stripe answered with an empty body", isTransient: false);
        return new StripeResponse<StripeMeterEvent>(value, response.Status, response.RequestId, response.IdempotentReplayed, response.RawBody);
    }

    private async Task<StripeResponse<JsonElement>> SendAsync(HttpMethod method, string path, StripeForm? form, string? idempotencyKey, bool async, CancellationToken cancellationToken)
    {
        var uri = new Uri(_options.Endpoint, path.TrimStart('/'));
        var body = form?.Encode();
        for (var attempt = 0; ; attempt++)
        {
            var secretKey = await _secretKey(cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secretKey);
            request.Headers.TryAddWithoutValidation("Stripe-Version", _options.ApiVersion);
            request.Headers.UserAgent.ParseAdd("PitPlatform-StripeClient/1.0");
            if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");

            StripeException failure;
            TimeSpan? retryAfter = null;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.NetworkTimeout);
            try
            {
                using var response = async
                    ? await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false)
                    : _http.Send(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
                var text = async
                    ? await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false)
                    : new StreamReader(response.Content.ReadAsStream(timeout.Token)).ReadToEnd();
                var requestId = Header(response, "Request-Id");
                if (response.IsSuccessStatusCode)
                {
                    using var document = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
                    return new StripeResponse<JsonElement>(document.RootElement.Clone(), (int)response.StatusCode, requestId,
                        string.Equals(Header(response, "Idempotent-Replayed"), "true", StringComparison.OrdinalIgnoreCase), text);
                }
                failure = FromErrorResponse(response, text, requestId);
                retryAfter = RetryAfter(response);
            }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // No answer (refused, reset, or our per-attempt timeout): Stripe may or may not have acted, which the
                // unchanged Idempotency-Key makes safe to find out by sending again.
                var what = e is OperationCanceledException ? $"no answer within {_options.NetworkTimeout.TotalSeconds:0.#} s" : e.Message;
                failure = new StripeException(0, StripeException.ConnectionErrorType, null, null, null, null, what, isTransient: true, e);
            }

            if (!failure.IsTransient || attempt >= _options.MaxRetries) throw failure;
            var delay = BackoffDelay(attempt, retryAfter);
            if (async) await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            else
            {
                cancellationToken.WaitHandle.WaitOne(delay);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    /// <summary>Exponential backoff with jitter (50% to 100% of the step), or the server's Retry-After; both capped.</summary>
    internal TimeSpan BackoffDelay(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } asked) return asked > _options.MaxRetryDelay ? _options.MaxRetryDelay : asked < TimeSpan.Zero ? TimeSpan.Zero : asked;
        var step = _options.RetryDelay.TotalMilliseconds * Math.Pow(2, attempt);
        var capped = Math.Min(step, _options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + Random.Shared.NextDouble() / 2));
    }

    private static StripeException FromErrorResponse(HttpResponseMessage response, string text, string? requestId)
    {
        var status = (int)response.StatusCode;
        string type = status >= 500 ? "api_error" : "invalid_request_error", message = $"HTTP {status}";
        string? code = null, param = null, declineCode = null;
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                type = String(error, "type") ?? type;
                message = String(error, "message") ?? message;
                code = String(error, "code");
                param = String(error, "param");
                declineCode = String(error, "decline_code");
            }
        }
        catch (JsonException)
        {
            // A proxy or load balancer answered (HTML, plain text): keep the status, which still says whether to retry.
        }
        var transient = Header(response, "Stripe-Should-Retry") switch
        {
            "true" => true,
            "false" => false,
            _ => status == (int)HttpStatusCode.TooManyRequests || status >= 500,
        };
        return new StripeException(status, type, code, param, declineCode, requestId, message, transient);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } header) return null;
        if (header.Delta is { } delta) return delta;
        return header.Date is { } date ? date - DateTimeOffset.UtcNow : null;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
