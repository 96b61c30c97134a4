using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Hosting;
using PitPlatform.Hosting;
using PitPlatform.Hosting.Telemetry;

namespace PitPlatform.Functions;

/// <summary>
/// The worker host as Program.cs runs it, in one place so the start-up tests build exactly the same container.
/// </summary>
public static class FunctionsAppHost
{
    /// <summary>The service name of the app's telemetry (cloud_RoleName) and JSON log lines.</summary>
    public const string ServiceName = "pit-functions";

    /// <summary>
    /// Set by the deployment (bicep/modules/functionapp.bicep): where telemetry goes, and Entra auth for it.
    /// </summary>
    public const string AppInsightsConnectionSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AppInsightsAuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <param name="configure">Runs last, before Build: the tests add their settings and turn DI validation on.</param>
    public static IHost Build(string[] args, Action<FunctionsApplicationBuilder>? configure = null)
    {
        var builder = FunctionsApplication.CreateBuilder(args);

        // ASP.NET Core integration: HTTP functions take HttpRequest and the shared handlers' IResult is executed on it.
        builder.ConfigureFunctionsWebApplication();

        // Inside the integration's own middleware (which hands the HttpContext over): every answer of an HTTP function
        // carries the API's error body, an unhandled exception included (500 ERR_INTERNAL with the request id, logged
        // once). A path no function has, or a method its function does not take, is answered by the Functions host
        // before the worker sees it (docs/API.md, "Error answers").
        builder.UseWhen<ApiErrorFunctionMiddleware>(ApiErrorFunctionMiddleware.IsHttpTrigger);

        configure?.Invoke(builder);

        AddTelemetry(builder);

        // Everything else (settings validated, fail fast naming the missing setting) is the shared composition root.
        builder.Services.AddPitPlatform(builder.Configuration);
        return builder.Build();
    }

    /// <summary>
    /// OpenTelemetry (shared AddPitTelemetry) with the worker's own spans (UseFunctionsWorkerDefaults: the invocation
    /// continues the host's trace) and, where the deployment names an Application Insights resource, the Azure Monitor
    /// exporter for traces (requests, dependencies, exceptions), logs and the platform's metrics (customMetrics).
    /// Nothing is sampled, so no error is ever dropped. JSON console lines in Azure and whenever PIT_LOG_FORMAT=json.
    /// </summary>
    private static void AddTelemetry(FunctionsApplicationBuilder builder)
    {
        var connection = builder.Configuration[AppInsightsConnectionSetting];
        var exported = !string.IsNullOrWhiteSpace(connection);
        // PIT_TELEMETRY=off: no OpenTelemetry in the worker (the Functions host's own telemetry is host.json's).
        var telemetry = builder
            .Services.AddPitTelemetry(builder.Configuration, ServiceName, exportsTraces: exported)
            ?.UseFunctionsWorkerDefaults();
        if (exported && telemetry is not null)
        {
            var entra =
                builder
                    .Configuration[AppInsightsAuthenticationSetting]
                    ?.Contains("Authorization=AAD", StringComparison.OrdinalIgnoreCase) == true;
            telemetry.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connection;
                // Every trace is kept: errors are never sampled away (the classic SDK's adaptive sampling is gone).
                options.SamplingRatio = 1.0F;
                options.TracesPerSecond = null;
                if (entra)
                    options.Credential = AzureCredentials.FromConfiguration(builder.Configuration);
            });
        }
        var runsInAzure = !string.IsNullOrEmpty(builder.Configuration["WEBSITE_INSTANCE_ID"]);
        if (runsInAzure || PitLogging.WantsJson(builder.Configuration[SettingNames.LogFormat]))
        {
            builder.Logging.AddPitConsole(json: true, ServiceName);
        }
    }
}
