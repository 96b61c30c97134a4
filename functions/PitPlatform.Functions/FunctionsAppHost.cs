using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.ApplicationInsights;
using PitPlatform.Hosting;

namespace PitPlatform.Functions;

/// <summary>
/// The worker host as Program.cs runs it, in one place so the start-up tests build exactly the same container.
/// </summary>
public static class FunctionsAppHost
{
    /// <param name="configure">Runs last, before Build: the tests add their settings and turn DI validation on.</param>
    public static IHost Build(string[] args, Action<FunctionsApplicationBuilder>? configure = null)
    {
        var builder = FunctionsApplication.CreateBuilder(args);

        // ASP.NET Core integration: HTTP functions take HttpRequest and the shared handlers' IResult is executed on it.
        builder.ConfigureFunctionsWebApplication();

        // Inside the integration's own middleware (which hands the HttpContext over): every answer of an HTTP function
        // carries the API's error body, an unhandled exception included (500 ERR_INTERNAL with the request id, logged
        // once). A path no function has, or a method its function does not take, is answered by the Functions host
        // before the worker sees it (docs/ARCHITECTURE.md, "Error answers").
        builder.UseWhen<ApiErrorFunctionMiddleware>(ApiErrorFunctionMiddleware.IsHttpTrigger);

        // The worker sends its own telemetry. Sample it like host.json samples the host's: never requests or exceptions.
        builder.Services.Configure<TelemetryConfiguration>(telemetry =>
        {
            var processors = telemetry.DefaultTelemetrySink.TelemetryProcessorChainBuilder;
            processors.UseAdaptiveSampling(maxTelemetryItemsPerSecond: 20, excludedTypes: "Request;Exception");
            processors.Build();
        });
        builder.Services
            .AddApplicationInsightsTelemetryWorkerService(options => options.EnableAdaptiveSampling = false)
            .ConfigureFunctionsApplicationInsights();

        // The Application Insights logger provider adds a Warning-only default rule; drop it so the levels configured
        // for the app apply to what reaches Application Insights as well.
        builder.Services.Configure<LoggerFilterOptions>(options =>
        {
            var warningOnly = options.Rules.FirstOrDefault(rule =>
                rule.ProviderName == typeof(ApplicationInsightsLoggerProvider).FullName);
            if (warningOnly is not null) options.Rules.Remove(warningOnly);
        });

        // The platform's own metrics (lag, batch duration, dead letters, NAV) as Application Insights custom metrics.
        builder.Services.AddHostedService<PlatformMetricsForwarder>();

        configure?.Invoke(builder);

        // Everything else (settings validated, fail fast naming the missing setting) is the shared composition root.
        builder.Services.AddPitPlatform(builder.Configuration);
        return builder.Build();
    }
}
