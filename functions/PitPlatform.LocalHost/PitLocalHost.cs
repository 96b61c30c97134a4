using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;
using PitPlatform.Access.Tenants;
using PitPlatform.Hosting;
using PitPlatform.Infrastructure.Kafka;

namespace PitPlatform.LocalHost;

/// <summary>
/// The local host: plain ASP.NET Core on 127.0.0.1 plus one Kafka consumer loop per processor, over the same
/// handlers and composition root as the Azure Functions app. Program.cs runs it; tests start it in-process.
/// </summary>
public sealed class PitLocalHost : IAsyncDisposable
{
    private PitLocalHost(WebApplication app, LocalEnvironment environment, Uri address, ApiKeyText devKey, bool devKeyConfigured,
        ApiKeyText operatorKey, bool operatorKeyConfigured)
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

    public IEnumerable<string> Banner =>
        new[] { $"PIT local host listening on {BaseAddress.ToString().TrimEnd('/')}" }
            .Concat(Environment.Banner)
            // A key the operator configured is theirs already: never echo a configured secret, only its public prefix.
            .Append(_devKeyConfigured
                ? $"Dev API key (tenant {DevApiKey.Tenant}): pit_{DevKey.Prefix}_... (from PIT_DEV_API_KEY)"
                : $"Dev API key (tenant {DevApiKey.Tenant}): {DevKey}")
            .Append(_operatorKeyConfigured
                ? $"Dev operator key: pit_{OperatorKey.Prefix}_... (from PIT_DEV_OPERATOR_KEY)"
                : $"Dev operator key: {OperatorKey}");

    /// <param name="runConsumers">false serves HTTP only (tests drive consumer loops themselves).</param>
    public static async Task<PitLocalHost> StartAsync(LocalHostOptions options, bool runConsumers = true, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        var environment = await LocalEnvironment.StartAsync(options, builder.Configuration, cancellationToken).ConfigureAwait(false);
        try
        {
            builder.Configuration.AddInMemoryCollection(environment.Settings);
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, options.HttpPort));
            ConfigureLogging(builder.Logging, builder.Configuration["PIT_LOG_FORMAT"]);
            builder.Services.AddPitPlatform(builder.Configuration);
            builder.Services.AddSingleton(new ConsumerLoopOptions { FetchWaitMaxMs = environment.EmbeddedKafka is null ? null : 2 });
            builder.Services.AddHostedService<DeletionWorkflowService>();
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
            LocalRoutes.Map(app);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var configuredKey = builder.Configuration["PIT_DEV_API_KEY"] is { Length: > 0 } configured ? configured : null;
            var keys = app.Services.GetRequiredService<ApiKeyStore>();
            var key = await DevApiKey.EnsureAsync(keys, app.Services.GetRequiredService<TenantStore>(), options.StateDirectory, configuredKey, cancellationToken)
                .ConfigureAwait(false);
            var configuredOperatorKey = builder.Configuration["PIT_DEV_OPERATOR_KEY"] is { Length: > 0 } configuredOperator ? configuredOperator : null;
            var operatorKey = await DevOperatorKey.EnsureAsync(keys, options.StateDirectory, configuredOperatorKey, cancellationToken).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new PitLocalHost(app, environment, new Uri(address.Replace("[::]", "127.0.0.1")), key, configuredKey is not null,
                operatorKey, configuredOperatorKey is not null);
        }
        catch
        {
            await environment.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => App.WaitForShutdownAsync(cancellationToken);

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

    /// <summary>
    /// Structured JSON lines by default (one object per event, with the message template's named values such as
    /// RequestId, Tenant and KeyPrefix as properties); PIT_LOG_FORMAT=text gives single-line text for reading.
    /// </summary>
    private static void ConfigureLogging(ILoggingBuilder logging, string? format)
    {
        logging.ClearProviders();
        if (string.Equals(format, "text", StringComparison.OrdinalIgnoreCase))
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
        else
        {
            logging.AddJsonConsole(o =>
            {
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
                o.IncludeScopes = false;
            });
        }
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddFilter("PitPlatform", LogLevel.Information);
    }
}
