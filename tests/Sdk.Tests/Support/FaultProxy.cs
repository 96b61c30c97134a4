using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PitPlatform.Sdk.Tests.Support;

/// <summary>
/// An HTTP proxy in the test process, on a free 127.0.0.1 port, between the SDK and the local host. A plan decides per
/// request whether to forward it or to inject a fault (connection reset before or after forwarding, 429, 503, delay).
/// It records every request's event ids (decoding gzip) so tests can see what was resent.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    /// <summary>Framing headers each hop sets for itself; copying them would corrupt the relayed message.</summary>
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host",
        "Connection",
        "Transfer-Encoding",
        "Content-Length",
        "Keep-Alive",
        "Expect",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly Func<int, Fault> _plan;
    private int _requests;

    private FaultProxy(WebApplication app, HttpClient upstream, Func<int, Fault> plan)
    {
        _app = app;
        _upstream = upstream;
        _plan = plan;
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>Every request seen: its number, the fault applied, and the event ids in its body.</summary>
    public ConcurrentQueue<(int Number, Fault Fault, IReadOnlyList<string> EventIds)> Seen { get; } = new();

    /// <summary>Every request's Prefer header (null when it had none), in arrival order.</summary>
    public ConcurrentQueue<string?> Prefers { get; } = new();

    /// <summary>Overrides the Pit-Min-Supported-Sdk answer header when set.</summary>
    public string? MinSupportedSdk { get; set; }

    public static async Task<FaultProxy> StartAsync(Uri upstream, Func<int, Fault> plan)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var proxy = new FaultProxy(
            app,
            new HttpClient { BaseAddress = upstream, Timeout = TimeSpan.FromSeconds(60) },
            plan
        );
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        proxy.Address = new Uri(
            app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
        );
        return proxy;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var number = Interlocked.Increment(ref _requests);
        var fault = _plan(number);
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        Seen.Enqueue((number, fault, EventIds(body, context.Request.Headers.ContentEncoding.ToString() == "gzip")));
        Prefers.Enqueue(context.Request.Headers.TryGetValue("Prefer", out var prefer) ? prefer.ToString() : null);
        switch (fault)
        {
            case Fault.MinimalShortCount:
                context.Response.StatusCode = 202;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"meta\":{\"accepted\":1,\"rejected\":0,\"request_id\":\"x\"}}");
                return;
            case Fault.DropBeforeForward:
                context.Abort();
                return;
            case Fault.TooManyRequests:
                await AnswerAsync(context, 429, "ERR_RATE_LIMITED", "injected by the fault proxy", retryAfter: true);
                return;
            case Fault.Unavailable:
                await AnswerAsync(context, 503, "ERR_UNAVAILABLE", "injected by the fault proxy");
                return;
            case Fault.BadRequest:
                await AnswerAsync(context, 400, "ERR_INVALID_BODY", "injected by the fault proxy");
                return;
            case Fault.Delay:
                await Task.Delay(500);
                break;
        }
        using var request = new HttpRequestMessage(
            new HttpMethod(context.Request.Method),
            context.Request.Path + context.Request.QueryString
        )
        {
            Content = new ByteArrayContent(body),
        };
        foreach (var (name, values) in context.Request.Headers)
        {
            if (HopByHop.Contains(name))
                continue;
            if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
                request.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
            else
                request.Headers.TryAddWithoutValidation(name, values.ToArray());
        }
        using var response = await _upstream.SendAsync(request);
        var answer = await response.Content.ReadAsByteArrayAsync();
        if (fault == Fault.DropAfterForward)
        {
            context.Abort(); // stored upstream, but the client never learns it
            return;
        }
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers)
        {
            if (!HopByHop.Contains(name))
                context.Response.Headers[name] = values.ToArray();
        }
        if (MinSupportedSdk is not null)
            context.Response.Headers["Pit-Min-Supported-Sdk"] = MinSupportedSdk;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
        await context.Response.Body.WriteAsync(answer);
    }

    private static async Task AnswerAsync(
        HttpContext context,
        int status,
        string code,
        string message,
        bool retryAfter = false
    )
    {
        context.Response.StatusCode = status;
        if (retryAfter)
            context.Response.Headers.RetryAfter = "1";
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(
            $"{{\"error\":{{\"code\":\"{code}\",\"message\":\"{message}\",\"details\":{{}}}}}}"
        );
    }

    private static List<string> EventIds(byte[] body, bool gzip)
    {
        try
        {
            if (gzip)
            {
                using var input = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
                using var output = new MemoryStream();
                input.CopyTo(output);
                body = output.ToArray();
            }
            using var document = JsonDocument.Parse(body);
            return document
                .RootElement.GetProperty("data")
                .EnumerateArray()
                .Select(e => e.TryGetProperty("event_id", out var id) ? id.GetString()! : "")
                .ToList();
        }
        catch (Exception e)
            when (e is JsonException or InvalidDataException or KeyNotFoundException or InvalidOperationException)
        {
            return [Encoding.UTF8.GetString(body)];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
