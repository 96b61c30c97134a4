using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PitPlatform.Access.Http;
using PitPlatform.Functions.Tests.StartUp;

namespace PitPlatform.Functions.Tests.Http;

/// <summary>
/// The worker middleware around every HTTP function: what the function leaves bare or throws is answered with the
/// API's error body on the HttpContext the ASP.NET Core integration hands over (the FunctionContext item it reads),
/// and an unhandled exception is logged once. The Functions host's own 404 and 405 never reach the worker.
/// </summary>
public sealed class api_error_middleware
{
    [Fact]
    public async Task an_exception_from_an_http_function_is_500_ERR_INTERNAL_with_the_request_id_and_one_log_entry()
    {
        var logs = new List<(LogLevel Level, string Message, Exception? Exception)>();
        var (context, http) = Invocation("httpTrigger");
        http.Request.Headers["X-Request-Id"] = "worker-req-1";

        await Middleware(logs).Invoke(context, _ => throw new InvalidOperationException("boom"));

        Assert.Equal(500, http.Response.StatusCode);
        Assert.Equal("worker-req-1", http.Response.Headers["X-Request-Id"].ToString());
        var error = Error(http);
        Assert.Equal("ERR_INTERNAL", error.GetProperty("code").GetString());
        Assert.Equal("worker-req-1", error.GetProperty("details").GetProperty("request_id").GetString());
        var entry = Assert.Single(logs);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.IsType<InvalidOperationException>(entry.Exception);
        Assert.Contains("worker-req-1", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_bare_status_and_a_body_over_the_limit_get_the_error_body()
    {
        var (context, http) = Invocation("httpTrigger");
        await Middleware([])
            .Invoke(context, _ =>
            {
                http.Response.StatusCode = 404;
                return Task.CompletedTask;
            });
        Assert.Equal("ERR_NOT_FOUND", Error(http).GetProperty("code").GetString());

        (context, http) = Invocation("httpTrigger");
        await Middleware([])
            .Invoke(context, _ => throw new RequestBodyTooLargeException(RequestBodyLimit.JsonBodyBytes));
        Assert.Equal(413, http.Response.StatusCode);
        Assert.Equal(
            RequestBodyLimit.JsonBodyBytes,
            Error(http).GetProperty("details").GetProperty("limit").GetInt32()
        );
    }

    [Fact]
    public void it_runs_for_http_triggers_only_and_the_worker_container_builds_it()
    {
        Assert.True(ApiErrorFunctionMiddleware.IsHttpTrigger(Invocation("httpTrigger").Context));
        Assert.False(ApiErrorFunctionMiddleware.IsHttpTrigger(Invocation("kafkaTrigger").Context));
        using var host = FunctionsAppHost.Build([], builder =>
            builder.Configuration.AddInMemoryCollection(DeploymentSettings.Values())
        );
        Assert.NotNull(ActivatorUtilities.CreateInstance<ApiErrorFunctionMiddleware>(host.Services));
    }

    private static ApiErrorFunctionMiddleware Middleware(List<(LogLevel, string, Exception?)> logs) =>
        new(LoggerFactory.Create(b => b.AddProvider(new ListProvider(logs))));

    private static (FunctionContext Context, HttpContext Http) Invocation(string trigger)
    {
        var http = new DefaultHttpContext();
        http.Response.Body = new MemoryStream();
        var context = new FakeFunctionContext(new FakeDefinition(trigger));
        // Where the ASP.NET Core integration's proxying middleware puts the request for the invocation.
        context.Items["HttpRequestContext"] = http;
        http.RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider();
        return (context, http);
    }

    private static JsonElement Error(HttpContext http)
    {
        Assert.Equal("application/json", http.Response.ContentType?.Split(';')[0]);
        var body = ((MemoryStream)http.Response.Body).ToArray();
        using var document = JsonDocument.Parse(body);
        Assert.Equal(["error"], document.RootElement.EnumerateObject().Select(p => p.Name));
        return document.RootElement.GetProperty("error").Clone();
    }

    private sealed class FakeFunctionContext(FunctionDefinition definition) : FunctionContext
    {
        public override string InvocationId => "invocation-1";
        public override string FunctionId => definition.Id;
        public override TraceContext TraceContext => null!;
        public override BindingContext BindingContext => null!;
        public override RetryContext RetryContext => null!;
        public override IServiceProvider InstanceServices { get; set; } = null!;
        public override FunctionDefinition FunctionDefinition => definition;
        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();
        public override IInvocationFeatures Features => null!;
    }

    private sealed class FakeDefinition(string trigger) : FunctionDefinition
    {
        public override ImmutableArray<FunctionParameter> Parameters => [];
        public override string PathToAssembly => "";
        public override string EntryPoint => "Fake.Run";
        public override string Id => "fake";
        public override string Name => "Fake";
        public override IImmutableDictionary<string, BindingMetadata> InputBindings =>
            ImmutableDictionary<string, BindingMetadata>.Empty.Add("request", new FakeBinding(trigger));
        public override IImmutableDictionary<string, BindingMetadata> OutputBindings =>
            ImmutableDictionary<string, BindingMetadata>.Empty;
    }

    private sealed class FakeBinding(string type) : BindingMetadata
    {
        public override string Name => "request";
        public override string Type => type;
        public override BindingDirection Direction => BindingDirection.In;
    }

    private sealed class ListProvider(List<(LogLevel, string, Exception?)> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(logs);

        public void Dispose() { }
    }

    private sealed class ListLogger(List<(LogLevel, string, Exception?)> logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(
            LogLevel logLevel,
            EventId eventId,
            TState state,
            Exception? exception,
            Func<TState, Exception?, string> formatter
        )
        {
            if (IsEnabled(logLevel))
                logs.Add((logLevel, formatter(state, exception), exception));
        }
    }
}
