using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;
using PitPlatform.Access.Tenants;
using PitPlatform.Governance.Deletion;
using PitPlatform.Hosting;
using PitPlatform.Hosting.Telemetry;
using PitPlatform.Infrastructure.Kafka;

namespace PitPlatform.LocalHost;

/// <summary>
/// The local host: plain ASP.NET Core on 127.0.0.1 plus one Kafka consumer loop per processor, over the same
/// handlers and composition root as the Azure Functions app. Program.cs runs it; tests start it in-process.
/// </summary>
public sealed class PitLocalHost : IAsyncDisposable
{
    private PitLocalHost(
        WebApplication app,
        LocalEnvironment environment,
        Uri address,
        ApiKeyText devKey,
        bool devKeyConfigured,
        ApiKeyText operatorKey,
        bool operatorKeyConfigured
    )
    {
        _devKeyConfigured = devKeyConfigured;
        _operatorKeyConfigured = operatorKeyConfigured;
        OperatorKey = operatorKey;
        App = app;
        Environment = environment;
        BaseAddress = address;
        DevKey = devKey;
    }

    private readonly bool _devKeyConfigured;
    private readonly bool _operatorKeyConfigured;

    public WebApplication App { get; }
    public LocalEnvironment Environment { get; }
    public Uri BaseAddress { get; }
    public ApiKeyText DevKey { get; }

    /// <summary>The development operator key (scope operator): manages tenants through /v1/tenants.</summary>
    public ApiKeyText OperatorKey { get; }
    public IServiceProvider Services => App.Services;

    /// <summary>The built console the host serves at /, or null when web/dist has not been built.</summary>
    public string? ConsoleDirectory { get; private init; }

    public IEnumerable<string> Banner =>
        new[] { $"PIT local host listening on {BaseAddress.ToString().TrimEnd('/')}" }
            .Concat(Environment.Banner)
            // A key the operator configured is theirs already: never echo a configured secret, only its public prefix.
            .Append(
                _devKeyConfigured
                    ? $"Dev API key (tenant {DevApiKey.Tenant}): pit_{DevKey.Prefix}_... (from PIT_DEV_API_KEY)"
                    : $"Dev API key (tenant {DevApiKey.Tenant}): {DevKey}"
            )
            .Append(
                _operatorKeyConfigured
                    ? $"Dev operator key: pit_{OperatorKey.Prefix}_... (from PIT_DEV_OPERATOR_KEY)"
                    : $"Dev operator key: {OperatorKey}"
            )
            .Append(
                ConsoleDirectory is null
                    ? "Console: not built (./pit up builds web/)"
                    : $"Console: {BaseAddress.ToString().TrimEnd('/')}/ (from {ConsoleDirectory})"
            );

    /// <param name="runConsumers">false serves HTTP only (tests drive consumer loops themselves).</param>
    public static async Task<PitLocalHost> StartAsync(
        LocalHostOptions options,
        bool runConsumers = true,
        CancellationToken cancellationToken = default
    )
    {
        var builder = WebApplication.CreateBuilder(
            new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory }
        );
        var environment = await LocalEnvironment
            .StartAsync(options, builder.Configuration, cancellationToken)
            .ConfigureAwait(false);
        try
        {
            builder.Configuration.AddInMemoryCollection(environment.Settings);
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, options.HttpPort));
            ConfigureLogging(builder.Logging, builder.Configuration[SettingNames.LogFormat]);
            options.Logging?.Invoke(builder.Logging);
            // Prometheus scrapes GET /metrics; traces and logs go to OTEL_EXPORTER_OTLP_ENDPOINT when it is set. With
            // PIT_TELEMETRY=off there is no OpenTelemetry and no /metrics.
            var telemetry = builder.Services.AddPitTelemetry(builder.Configuration, ServiceName);
            telemetry?.WithMetrics(metrics => metrics.AddPrometheusExporter());
            builder.Services.AddPitPlatform(builder.Configuration);
            builder.Services.AddSingleton(
                new ConsumerLoopOptions { FetchWaitMaxMs = environment.EmbeddedKafka is null ? null : 2 }
            );
            builder.Services.AddHostedService<DeletionWorkflowService>();
            // Without consumer loops nothing here writes stores from Kafka: a deletion has no consumers to wait for.
            if (!runConsumers)
                builder.Services.AddSingleton(new DeletionBarrierOptions { ConsumersRunHere = false });
            if (runConsumers)
            {
                builder.Services.AddSingleton<ConsumerLoopsService>();
                builder.Services.AddHostedService(sp => sp.GetRequiredService<ConsumerLoopsService>());
                builder.Services.AddHostedService<ScheduledJobsService>();
            }
            var app = builder.Build();
            // Outermost, before routing: every answer, the framework's 404 and 405 included, carries the error body.
            app.UseMiddleware<ApiErrorMiddleware>();
            app.UseRouting();
            // After routing (it needs to know no route matched), before the endpoints: the console at /.
            var console = ConsoleFiles.Find(app.Configuration);
            if (console is not null)
                ConsoleFiles.Use(app, console);
            if (telemetry is not null)
                app.MapPrometheusScrapingEndpoint(MetricsPath);
            LocalRoutes.Map(app);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var configuredKey = builder.Configuration["PIT_DEV_API_KEY"] is { Length: > 0 } configured
                ? configured
                : null;
            var keys = app.Services.GetRequiredService<ApiKeyStore>();
            var key = await DevApiKey
                .EnsureAsync(
                    keys,
                    app.Services.GetRequiredService<TenantStore>(),
                    options.StateDirectory,
                    configuredKey,
                    cancellationToken
                )
                .ConfigureAwait(false);
            var configuredOperatorKey = builder.Configuration["PIT_DEV_OPERATOR_KEY"]
                is { Length: > 0 } configuredOperator
                ? configuredOperator
                : null;
            var operatorKey = await DevOperatorKey
                .EnsureAsync(keys, options.StateDirectory, configuredOperatorKey, cancellationToken)
                .ConfigureAwait(false);
            var address = app
                .Services.GetRequiredService<IServer>()
                .Features.Get<IServerAddressesFeature>()!
                .Addresses.First();
            return new PitLocalHost(
                app,
                environment,
                new Uri(address.Replace("[::]", "127.0.0.1")),
                key,
                configuredKey is not null,
                operatorKey,
                configuredOperatorKey is not null
            )
            {
                ConsoleDirectory = console,
            };
        }
        catch
        {
            await environment.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) =>
        App.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await App.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await App.DisposeAsync().ConfigureAwait(false);
            await Environment.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The service name of the local host's telemetry and JSON log lines.</summary>
    public const string ServiceName = "pit-local-host";

    /// <summary>
    /// Prometheus text format (OpenTelemetry's exporter), unauthenticated like the probes: 127.0.0.1 only.
    /// </summary>
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Single-line text for reading by default; PIT_LOG_FORMAT=json gives one JSON object per line with trace_id,
    /// span_id, request_id and tenant (PitJsonConsoleFormatter).
    /// </summary>
    private static void ConfigureLogging(ILoggingBuilder logging, string? format)
    {
        logging.ClearProviders();
        logging.AddPitConsole(PitLogging.WantsJson(format), ServiceName);
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddFilter("PitPlatform", LogLevel.Information);
    }
}
