using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PitPlatform.Billing.Tests.Support;

/// <summary>
/// Stripe cannot run here, so this Kestrel stub in the test process replays Stripe's documented behaviour for what
/// we call: bearer auth, meter events (identifier unique, as Stripe enforces for 24 h), Idempotency-Key replay of the
/// first answer (and idempotency_error for a key reused with other parameters), the error object with Request-Id,
/// and scripted faults (429 with Retry-After, 5xx, a whole outage, per-customer failures).
/// </summary>
public sealed class StripeStub : IAsyncDisposable
{
    public const string SecretKey = "sk_test_stub_0123456789abcdefghijklmnop";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<
        string,
        (string Body, int Status, string Response, string RequestId)
    > _idempotency = new();
    private readonly ConcurrentQueue<Func<HttpContext, Task<bool>>> _scripted = new();
    private readonly ConcurrentDictionary<string, (int Status, string Type, string Message)> _failingCustomers = new();
    private long _requestCounter;

    private StripeStub(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;
    public ConcurrentQueue<StubRequest> Requests { get; } = new();
    public ConcurrentDictionary<string, AcceptedMeterEvent> MeterEvents { get; } = new();

    /// <summary>Every request answered 503 (Stripe down) while true.</summary>
    public bool Down { get; set; }

    public static async Task<StripeStub> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new StripeStub(app);
        app.MapPost("/v1/billing/meter_events", stub.MeterEventAsync);
        app.MapPost("/v1/payment_intents", stub.PaymentIntentAsync);
        await app.StartAsync(cancellationToken);
        var address = app
            .Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        stub.Endpoint = new Uri(address.Replace("[::]", "127.0.0.1") + "/");
        return stub;
    }

    /// <summary>The next request gets this answer instead (then the stub behaves normally again).</summary>
    public void EnqueueError(
        int status,
        string type,
        string message,
        string? code = null,
        IDictionary<string, string>? headers = null
    ) =>
        _scripted.Enqueue(async context =>
        {
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
                context.Response.Headers[name] = value;
            await WriteErrorAsync(context, status, type, message, code, null);
            return true;
        });

    /// <summary>
    /// The next request gets this answer as is, as from a proxy in front of Stripe (then the stub behaves normally
    /// again).
    /// </summary>
    public void EnqueueRaw(int status, string contentType, string body) =>
        _scripted.Enqueue(async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(body);
            return true;
        });

    /// <summary>Meter events for this customer fail with the given answer until <see cref="Heal"/>.</summary>
    public void FailCustomer(
        string customer,
        int status = 500,
        string type = "api_error",
        string message = "An unknown error occurred"
    ) => _failingCustomers[customer] = (status, type, message);

    public void Heal(string customer) => _failingCustomers.TryRemove(customer, out _);

    public long Total(string customer, string eventName) =>
        MeterEvents.Values.Where(e => e.Customer == customer && e.EventName == eventName).Sum(e => e.Value);

    private async Task MeterEventAsync(HttpContext context)
    {
        var form = await ReadAsync(context);
        if (form is null)
            return;
        var identifier = form.TryGetValue("identifier", out var id) ? id : "stub_" + Guid.NewGuid().ToString("N");
        var customer = form.GetValueOrDefault("payload[stripe_customer_id]", "");
        if (_failingCustomers.TryGetValue(customer, out var failure))
        {
            await WriteErrorAsync(context, failure.Status, failure.Type, failure.Message, null, null);
            return;
        }
        if (
            !long.TryParse(form.GetValueOrDefault("payload[value]"), out var value)
            || !form.TryGetValue("event_name", out var eventName)
        )
        {
            await WriteErrorAsync(
                context,
                400,
                "invalid_request_error",
                "Missing required param: payload[value].",
                "parameter_missing",
                "payload[value]"
            );
            return;
        }
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var accepted = new AcceptedMeterEvent(
            identifier,
            eventName,
            customer,
            value,
            long.Parse(
                form.GetValueOrDefault("timestamp", created.ToString(CultureInfo.InvariantCulture)),
                CultureInfo.InvariantCulture
            )
        );
        if (!MeterEvents.TryAdd(identifier, accepted))
        {
            await WriteErrorAsync(
                context,
                400,
                "invalid_request_error",
                $"An event already exists with identifier {identifier}.",
                null,
                "identifier",
                shouldRetry: false
            );
            return;
        }
        await WriteAsync(
            context,
            200,
            JsonSerializer.Serialize(
                new Dictionary<string, object>
                {
                    ["object"] = "billing.meter_event",
                    ["created"] = created,
                    ["event_name"] = accepted.EventName,
                    ["identifier"] = identifier,
                    ["livemode"] = false,
                    ["payload"] = new Dictionary<string, string>
                    {
                        ["stripe_customer_id"] = customer,
                        ["value"] = value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    },
                    ["timestamp"] = accepted.Timestamp,
                }
            )
        );
    }

    private async Task PaymentIntentAsync(HttpContext context)
    {
        if (await ReadAsync(context) is null)
            return;
        await WriteErrorAsync(
            context,
            402,
            "card_error",
            "Your card was declined.",
            "card_declined",
            null,
            declineCode: "insufficient_funds"
        );
    }

    /// <summary>
    /// Auth, outage, scripted faults and idempotency replay; null when the request was answered here.
    /// </summary>
    private async Task<Dictionary<string, string>?> ReadAsync(HttpContext context)
    {
        var form = (await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
        var body = string.Join(
            '&',
            form.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "=" + f.Value)
        );
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        Requests.Enqueue(
            new StubRequest(
                context.Request.Path,
                context.Request.Headers.Authorization.ToString(),
                context.Request.Headers["Stripe-Version"].ToString(),
                key,
                context.Request.ContentType ?? "",
                form,
                context.Request.Headers.ToDictionary(
                    h => h.Key,
                    h => h.Value.ToString(),
                    StringComparer.OrdinalIgnoreCase
                )
            )
        );
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + SecretKey)
        {
            await WriteErrorAsync(
                context,
                401,
                "invalid_request_error",
                "Invalid API Key provided: sk_test_****",
                null,
                null
            );
            return null;
        }
        if (Down)
        {
            await WriteErrorAsync(context, 503, "api_error", "Stripe is temporarily unavailable.", null, null);
            return null;
        }
        if (_scripted.TryDequeue(out var scripted) && await scripted(context))
            return null;
        if (key.Length > 0 && _idempotency.TryGetValue(key, out var first))
        {
            if (first.Body != body)
            {
                await WriteErrorAsync(
                    context,
                    400,
                    "idempotency_error",
                    "Keys for idempotent requests can only be used with the same parameters they were first "
                        + $"used with. Try using a key other than '{key}' if you meant to execute a different "
                        + "request.",
                    null,
                    null
                );
                return null;
            }
            context.Response.Headers["Idempotent-Replayed"] = "true";
            context.Response.Headers["Original-Request"] = first.RequestId;
            await WriteAsync(context, first.Status, first.Response);
            return null;
        }
        if (key.Length > 0)
        {
            // Stripe saves the first answer (success or 4xx) under the key once the endpoint has run.
            context.Items["idempotency"] = (key, body);
        }
        return form;
    }

    private async Task WriteErrorAsync(
        HttpContext context,
        int status,
        string type,
        string message,
        string? code,
        string? param,
        string? declineCode = null,
        bool? shouldRetry = null
    )
    {
        var error = new Dictionary<string, object?> { ["type"] = type, ["message"] = message };
        if (code is not null)
            error["code"] = code;
        if (param is not null)
            error["param"] = param;
        if (declineCode is not null)
            error["decline_code"] = declineCode;
        if (shouldRetry is { } retry)
            context.Response.Headers["Stripe-Should-Retry"] = retry ? "true" : "false";
        await WriteAsync(context, status, JsonSerializer.Serialize(new { error }));
    }

    private async Task WriteAsync(HttpContext context, int status, string json)
    {
        var requestId =
            "req_"
            + Interlocked
                .Increment(ref _requestCounter)
                .ToString("D14", System.Globalization.CultureInfo.InvariantCulture);
        // Stripe saves only results of requests the endpoint ran; refused parameters are not saved (we save successes).
        if (context.Items["idempotency"] is (string key, string body) && status < 300)
            _idempotency.TryAdd(key, (body, status, json, requestId));
        context.Response.StatusCode = status;
        context.Response.Headers["Request-Id"] = requestId;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record StubRequest(
    string Path,
    string Authorization,
    string StripeVersion,
    string IdempotencyKey,
    string ContentType,
    IReadOnlyDictionary<string, string> Form,
    IReadOnlyDictionary<string, string> Headers
);

public sealed record AcceptedMeterEvent(
    string Identifier,
    string EventName,
    string Customer,
    long Value,
    long Timestamp
);
