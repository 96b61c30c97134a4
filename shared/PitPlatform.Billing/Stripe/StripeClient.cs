using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sdk = global::Stripe;

namespace PitPlatform.Billing.Stripe;

/// <summary>
/// Our client of Stripe, over Stripe.net. Stripe.net builds and sends the requests (form-encoded bodies,
/// <c>Authorization: Bearer</c>, the <c>Stripe-Version</c> it fixes, the Idempotency-Key we give it); this class adds
/// what Stripe.net does not do the way we need:
/// <list type="bullet">
/// <item>the secret key is asked for before each attempt, so a key rotated in Key Vault is used without a
/// restart;</item>
/// <item>one retry policy: 429, 5xx and network errors (or whatever Stripe-Should-Retry says) are retried with
/// exponential backoff and jitter, honouring Retry-After, always with the same Idempotency-Key. Stripe.net's own
/// retries are off (<c>maxNetworkRetries: 0</c>): it would not retry a 429 nor wait for Retry-After, and nested under
/// ours it would multiply the attempts (three of its own per one of ours) and hide them from our budget and
/// logs;</item>
/// <item>failures surface as our <see cref="StripeException"/> (status, Stripe's error type and code, Request-Id,
/// whether a retry can help), with any secret key masked;</item>
/// <item>Stripe.net's client telemetry headers are off.</item>
/// </list>
/// </summary>
public class StripeClient
{
    private static readonly HttpMessageHandler SharedTransport = new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };
    private readonly Func<CancellationToken, ValueTask<string>> _secretKey;
    private readonly StripeClientOptions _options;
    private readonly Sdk.IHttpClient _http;
    private readonly ILogger _logger;
    private KeyedClient? _current;

    /// <summary>For mocking.</summary>
    protected StripeClient()
        : this(_ => ValueTask.FromResult("")) { }

    public StripeClient(string secretKey, StripeClientOptions? options = null, ILogger? logger = null)
        : this(_ => ValueTask.FromResult(secretKey), options, logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretKey);
    }

    /// <param name="secretKey">Asked before each attempt, so a rotated key (from Key Vault, cached) is picked up
    /// without a restart.</param>
    /// <param name="options">Where Stripe is, the per-attempt timeout and the retry budget.</param>
    /// <param name="logger">Told about each retry (status, error type, Request-Id, wait); never about the key.</param>
    public StripeClient(
        Func<CancellationToken, ValueTask<string>> secretKey,
        StripeClientOptions? options = null,
        ILogger? logger = null
    )
    {
        _secretKey = secretKey;
        _options = options ?? new StripeClientOptions();
        _logger = logger ?? NullLogger.Instance;
        var http = new HttpClient(_options.Transport ?? SharedTransport, disposeHandler: false)
        {
            Timeout = _options.NetworkTimeout,
        };
        _http = new Sdk.SystemNetHttpClient(http, maxNetworkRetries: 0, appInfo: null, enableTelemetry: false);
    }

    /// <summary>
    /// POST /v1/billing/meter_events. The Idempotency-Key derives from the identifier and the exact parameters, so a
    /// retry or a re-run of the same report replays Stripe's first answer instead of recording usage twice.
    /// </summary>
    public virtual async Task<StripeResponse<Sdk.Billing.MeterEvent>> CreateMeterEventAsync(
        StripeMeterEventRequest request,
        CancellationToken cancellationToken = default
    )
    {
        var parameters = request.ToCreateOptions();
        return await SendAsync(
                (stripe, requestOptions, ct) =>
                    stripe.V1.Billing.MeterEvents.CreateAsync(parameters, requestOptions, ct),
                MeterEventIdempotencyKey(request),
                cancellationToken
            )
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Any Stripe.net call with this client's key, retries and errors: <paramref name="call"/> gets the Stripe.net
    /// client for the current key and the request options to pass on (they carry the Idempotency-Key, the same on every
    /// attempt), and may be invoked once per attempt.
    /// </summary>
    /// <param name="idempotencyKey">Null generates one, kept across this call's retries.</param>
    public virtual async Task<StripeResponse<T>> SendAsync<T>(
        Func<Sdk.StripeClient, Sdk.RequestOptions, CancellationToken, Task<T>> call,
        string? idempotencyKey = null,
        CancellationToken cancellationToken = default
    )
        where T : Sdk.IStripeEntity
    {
        ArgumentNullException.ThrowIfNull(call);
        // Stripe.net makes up a new key per call when given none, which would make each of our retries a new request.
        idempotencyKey ??= Guid.NewGuid().ToString();
        for (var attempt = 0; ; attempt++)
        {
            var stripe = ClientFor(await _secretKey(cancellationToken).ConfigureAwait(false));
            StripeException failure;
            TimeSpan? retryAfter = null;
            try
            {
                var value = await call(
                        stripe,
                        new Sdk.RequestOptions { IdempotencyKey = idempotencyKey },
                        cancellationToken
                    )
                    .ConfigureAwait(false);
                return Answer(value);
            }
            catch (Sdk.StripeException e)
            {
                failure = FromStripeNet(e);
                retryAfter = RetryAfter(e.StripeResponse?.Headers);
            }
            catch (Exception e)
                when (e is HttpRequestException or IOException
                    || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
                )
            {
                // No answer (refused, reset, or our per-attempt timeout): Stripe may or may not have acted, which the
                // unchanged Idempotency-Key makes safe to find out by sending again.
                var what =
                    e is OperationCanceledException
                        ? $"no answer within {_options.NetworkTimeout.TotalSeconds:0.#} s"
                        : e.Message;
                failure = new StripeException(
                    0,
                    StripeException.ConnectionErrorType,
                    null,
                    null,
                    null,
                    null,
                    what,
                    isTransient: true,
                    e
                );
            }

            if (!failure.IsTransient || attempt >= _options.MaxRetries)
                throw failure;
            var delay = BackoffDelay(attempt, retryAfter);
            _logger.LogWarning(
                "Stripe {Status} {ErrorType} (request {RequestId}): retry {Retry} of {MaxRetries} in "
                    + "{DelayMs} ms with the same Idempotency-Key",
                failure.Status,
                failure.Type,
                failure.RequestId,
                attempt + 1,
                _options.MaxRetries,
                (long)delay.TotalMilliseconds
            );
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The Idempotency-Key a meter event is sent with: its identifier plus a digest of its parameters.
    /// </summary>
    public static string MeterEventIdempotencyKey(StripeMeterEventRequest request)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(request.CanonicalBody()));
        return $"{request.Identifier}-{Convert.ToHexStringLower(digest)[..16]}";
    }

    /// <summary>
    /// Exponential backoff with jitter (50% to 100% of the step), or the server's Retry-After; both capped.
    /// </summary>
    internal TimeSpan BackoffDelay(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } asked)
            return asked > _options.MaxRetryDelay ? _options.MaxRetryDelay
                : asked < TimeSpan.Zero ? TimeSpan.Zero
                : asked;
        var step = _options.RetryDelay.TotalMilliseconds * Math.Pow(2, attempt);
        var capped = Math.Min(step, _options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + Random.Shared.NextDouble() / 2));
    }

    /// <summary>
    /// The Stripe.net client for this key: built once per key (they share one HTTP client), so a rotated key gets a new
    /// one and the old one is let go.
    /// </summary>
    private Sdk.StripeClient ClientFor(string? secretKey)
    {
        var key = secretKey?.Trim();
        if (_current is { } current && current.Key == key)
            return current.Client;
        if (string.IsNullOrEmpty(key))
            throw new StripeException(
                0,
                "invalid_request_error",
                null,
                null,
                null,
                null,
                "no Stripe secret key was given",
                isTransient: false
            );
        Sdk.StripeClient client;
        try
        {
            client = new Sdk.StripeClient(
                new Sdk.StripeClientOptions
                {
                    ApiKey = key,
                    ApiBase = Root(_options.Endpoint),
                    MeterEventsBase = Root(_options.ResolvedMeterEventsEndpoint),
                    HttpClient = _http,
                }
            );
        }
        catch (ArgumentException)
        {
            // Stripe.net refuses a key with whitespace inside; its message does not quote the key, nor does ours.
            throw new StripeException(
                0,
                "invalid_request_error",
                null,
                null,
                null,
                null,
                "the Stripe secret key is malformed",
                isTransient: false
            );
        }
        _current = new KeyedClient(key, client);
        return client;
    }

    /// <summary>Stripe.net appends "/v1/..." to its bases, which must not end in a slash.</summary>
    private static string Root(Uri endpoint) => endpoint.ToString().TrimEnd('/');

    private static StripeResponse<T> Answer<T>(T value)
        where T : Sdk.IStripeEntity
    {
        var response = value.StripeResponse;
        return new StripeResponse<T>(
            value,
            (int)(response?.StatusCode ?? HttpStatusCode.OK),
            response?.RequestId,
            string.Equals(Header(response?.Headers, "Idempotent-Replayed"), "true", StringComparison.OrdinalIgnoreCase),
            response?.Content ?? ""
        );
    }

    private static StripeException FromStripeNet(Sdk.StripeException e)
    {
        var status = (int)e.HttpStatusCode;
        var error = e.StripeError;
        var headers = e.StripeResponse?.Headers;
        var type = error?.Type ?? (status >= 500 ? "api_error" : "invalid_request_error");
        // Without Stripe's error object (a proxy or load balancer answered, HTML or plain text) the status still says
        // whether to retry; its body is not worth quoting.
        var message = error?.Message ?? error?.ErrorDescription ?? (status == 0 ? e.Message : $"HTTP {status}");
        var transient = Header(headers, "Stripe-Should-Retry") switch
        {
            "true" => true,
            "false" => false,
            _ => status == (int)HttpStatusCode.TooManyRequests || status >= 500,
        };
        return new StripeException(
            status,
            type,
            error?.Code,
            error?.Param,
            error?.DeclineCode,
            e.StripeResponse?.RequestId,
            message,
            transient
        );
    }

    private static TimeSpan? RetryAfter(HttpResponseHeaders? headers)
    {
        if (headers?.RetryAfter is not { } header)
            return null;
        if (header.Delta is { } delta)
            return delta;
        return header.Date is { } date ? date - DateTimeOffset.UtcNow : null;
    }

    private static string? Header(HttpResponseHeaders? headers, string name) =>
        headers is not null && headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private sealed record KeyedClient(string Key, Sdk.StripeClient Client);
}
