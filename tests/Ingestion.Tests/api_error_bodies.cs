using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

/// <summary>
/// Every error answer of the local host carries the API's error body, the ones the framework makes included: a path no
/// operation has (dot segments resolved first), a method the path does not take, a body over an admin route's limit,
/// a malformed body framing, and an unhandled exception, which is a 500 naming the request id, logged once.
/// </summary>
public sealed class api_error_bodies(ErrorBodiesHost host) : IClassFixture<ErrorBodiesHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TestPipeline Pipeline => host.Pipeline;

    [Theory]
    [InlineData("GET", "/nope")]
    [InlineData("GET", "/v1/nope")]
    [InlineData("POST", "/v1/events/extra")]
    [InlineData("GET", "/v1/../x")]
    [InlineData("GET", "/v1/./nope")]
    [InlineData("GET", "/v1/%2e%2e/v2/usage")]
    [InlineData("DELETE", "/v1/series/alpha/nav/../../../../v9")]
    public async Task a_path_no_operation_has_is_404_ERR_NOT_FOUND_with_the_error_body(string method, string rawPath)
    {
        var answer = await SendRawPathAsync(method, rawPath);

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        var error = await ErrorAsync(answer);
        Assert.Equal("ERR_NOT_FOUND", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task a_dot_segment_resolves_to_the_route_it_names()
    {
        var answer = await SendRawPathAsync("GET", "/v1/./events");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, answer.StatusCode);
        Assert.Equal("ERR_METHOD_NOT_ALLOWED", (await ErrorAsync(answer)).GetProperty("code").GetString());
        Assert.Equal(["POST"], answer.Content.Headers.Allow);
    }

    [Theory]
    [InlineData("GET", "/v1/events", new[] { "POST" })]
    [InlineData("PATCH", "/v1/usage", new[] { "GET" })]
    [InlineData("DELETE", "/v1/admin/redaction", new[] { "GET", "PUT" })]
    [InlineData("PUT", "/v1/admin/keys", new[] { "GET", "POST" })]
    [InlineData("HEAD", "/livez", new[] { "GET" })]
    [InlineData("FUZZ", "/v1/deletions/abc/approve", new[] { "POST" })]
    public async Task a_method_the_path_does_not_take_is_405_with_allow_and_the_error_body(
        string method,
        string path,
        string[] allowed
    )
    {
        var answer = await Pipeline.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, answer.StatusCode);
        Assert.Equal(allowed.Order(), answer.Content.Headers.Allow.Order());
        if (method == "HEAD")
            return; // a HEAD answer has no body by definition
        var error = await ErrorAsync(answer);
        Assert.Equal("ERR_METHOD_NOT_ALLOWED", error.GetProperty("code").GetString());
        Assert.Equal(
            allowed.Order(),
            error.GetProperty("details").GetProperty("allow").EnumerateArray().Select(m => m.GetString()!).Order()
        );
    }

    [Theory]
    [InlineData("PUT", "/v1/admin/redaction", true)]
    [InlineData("PUT", "/v1/admin/redaction", false)]
    [InlineData("POST", "/v1/admin/keys", true)]
    [InlineData("POST", "/v1/admin/keys", false)]
    [InlineData("PUT", "/v1/admin/retention", false)]
    public async Task an_admin_body_over_64_KiB_is_413_ERR_PAYLOAD_TOO_LARGE_with_the_limit(
        string method,
        string path,
        bool withLength
    )
    {
        var json = "{\"name\":\"" + new string('x', 70 * 1024) + "\"}";
        HttpContent content = withLength
            ? new StringContent(json, Encoding.UTF8, "application/json")
            // sent chunked: no Content-Length to refuse early
            : new StreamContent(new UnknownLengthStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new("application/json");

        var answer = await Pipeline.Http.SendAsync(
            new HttpRequestMessage(new HttpMethod(method), path) { Content = content },
            Ct
        );

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.StatusCode);
        var error = await ErrorAsync(answer);
        Assert.Equal("ERR_PAYLOAD_TOO_LARGE", error.GetProperty("code").GetString());
        Assert.Equal(64 * 1024, error.GetProperty("details").GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task a_malformed_chunked_body_is_400_ERR_BAD_REQUEST_with_the_error_body()
    {
        var request =
            "PUT /v1/admin/redaction HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + $"Authorization: Bearer {Pipeline.Host.DevKey}\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";

        var (status, body) = await SendRawAsync(request);

        Assert.Equal(400, status);
        using var document = JsonDocument.Parse(body);
        Assert.Equal("ERR_BAD_REQUEST", document.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task an_unhandled_exception_is_500_ERR_INTERNAL_naming_the_request_id_and_is_logged_once()
    {
        var logs = host.Logs;
        logs.Clear();
        // A broken dependency, not a hook: the usage query's table is gone from this pipeline's own schema, so the
        // query fails with an error that is no outage (42P01) and escapes the handler.
        await host.BreakUsageTableAsync();
        const string requestId = "error-bodies-7f3c9a1e";
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/usage?from=2026-01-01&to=2026-01-31");
        request.Headers.Add("X-Request-Id", requestId);

        var answer = await Pipeline.Http.SendAsync(request, Ct);
        var withoutId = await Pipeline.Http.GetAsync("/v1/usage", Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, answer.StatusCode);
        var error = await ErrorAsync(answer);
        Assert.Equal("ERR_INTERNAL", error.GetProperty("code").GetString());
        Assert.Equal(requestId, error.GetProperty("details").GetProperty("request_id").GetString());
        Assert.Equal([requestId], answer.Headers.GetValues("X-Request-Id"));

        Assert.Equal(HttpStatusCode.InternalServerError, withoutId.StatusCode);
        var made = (await ErrorAsync(withoutId)).GetProperty("details").GetProperty("request_id").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", made);
        Assert.Equal([made], withoutId.Headers.GetValues("X-Request-Id"));

        var entries = await Eventually.WaitForAsync(
            () => Task.FromResult(logs.ToArray()),
            e => e.Count(x => x.Level >= LogLevel.Error) >= 2,
            TimeSpan.FromSeconds(10),
            "the two errors to be logged"
        );
        var aboutFirst = entries.Where(e => e.Message.Contains(requestId, StringComparison.Ordinal)).ToList();
        var errors = entries.Where(e => e.Level >= LogLevel.Error).ToList();
        Assert.Equal(2, errors.Count); // one per request: not again by Kestrel, the routing or the handler
        var entry = Assert.Single(aboutFirst);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.IsType<Npgsql.PostgresException>(entry.Exception);
        Assert.Contains("GET /v1/usage", entry.Message, StringComparison.Ordinal);
        foreach (var e in entries)
        {
            var text = e.Message + " " + e.Exception;
            Assert.DoesNotContain(Pipeline.Host.DevKey.ToString(), text, StringComparison.Ordinal);
            // the secret alone
            Assert.DoesNotContain(Pipeline.Host.DevKey.ToString()[13..], text, StringComparison.Ordinal);
            // the query string is the client's text
            Assert.DoesNotContain("from=2026-01-01", text, StringComparison.Ordinal);
        }
    }

    private async Task<HttpResponseMessage> SendRawPathAsync(string method, string rawPath)
    {
        // As sent: .NET's Uri would resolve the dot segments before they reach the server.
        var uri = new Uri(
            Pipeline.Host.BaseAddress.ToString().TrimEnd('/') + rawPath,
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }
        );
        return await Pipeline.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), uri), Ct);
    }

    private async Task<(int Status, string Body)> SendRawAsync(string request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, Pipeline.Host.BaseAddress.Port, Ct);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), Ct);
        var received = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, Ct)) > 0)
            received.Write(buffer, 0, read);
        var text = Encoding.UTF8.GetString(received.ToArray());
        var status = int.Parse(text.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var body = text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        if (text.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
            body = Dechunk(body);
        return (status, body);
    }

    private static string Dechunk(string chunked)
    {
        var result = new StringBuilder();
        var at = 0;
        while (true)
        {
            var end = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[at..end], 16);
            if (size == 0)
                return result.ToString();
            result.Append(chunked, end + 2, size);
            at = end + 2 + size + 2;
        }
    }

    /// <summary>The body must be exactly {"error":{"code","message","details"}}, served as JSON.</summary>
    internal static async Task<JsonElement> ErrorAsync(HttpResponseMessage answer)
    {
        Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(Ct));
        var root = document.RootElement;
        Assert.Equal(["error"], root.EnumerateObject().Select(p => p.Name));
        var error = root.GetProperty("error");
        Assert.Equal(["code", "details", "message"], error.EnumerateObject().Select(p => p.Name).Order());
        Assert.StartsWith("ERR_", error.GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.String, error.GetProperty("message").ValueKind);
        Assert.Equal(JsonValueKind.Object, error.GetProperty("details").ValueKind);
        return error.Clone();
    }

    /// <summary>A stream whose length HttpClient cannot know, so the body goes chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

/// <summary>
/// A local host for <see cref="api_error_bodies"/>, on a database of its own that its 500 test may break, with its log
/// captured.
/// </summary>
public sealed class ErrorBodiesHost(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob) : IAsyncLifetime
{
    public TestPipeline Pipeline { get; private set; } = null!;

    public ConcurrentQueue<CapturedLog> Logs { get; } = new();

    public async ValueTask InitializeAsync()
    {
        Pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        // The host's own logger factory, so the capture sees exactly what the host's console would print.
        Pipeline.Service<ILoggerFactory>().AddProvider(new CaptureProvider(Logs));
    }

    public Task BreakUsageTableAsync() =>
        Pipeline.Database.ExecuteAsync("ALTER TABLE IF EXISTS usage_daily RENAME TO usage_daily_broken");

    public ValueTask DisposeAsync() => Pipeline.DisposeAsync();

    private sealed class CaptureProvider(ConcurrentQueue<CapturedLog> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capture(categoryName, logs);

        public void Dispose() { }
    }

    private sealed class Capture(string category, ConcurrentQueue<CapturedLog> logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(
            LogLevel logLevel,
            EventId eventId,
            TState state,
            Exception? exception,
            Func<TState, Exception?, string> formatter
        ) => logs.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), exception));
    }
}

public sealed record CapturedLog(string Category, LogLevel Level, string Message, Exception? Exception);
