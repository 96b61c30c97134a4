using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PitPlatform.Contracts;
using PitPlatform.Contracts.Telemetry;

namespace PitPlatform.Hosting.Telemetry;

/// <summary>
/// OpenTelemetry for both hosts, in one place: the platform's spans (<see cref="PitTelemetry"/>) with ASP.NET Core,
/// HttpClient and Npgsql; the platform's metrics (<see cref="PitMetrics"/>) with the runtime's, ASP.NET Core's and
/// Npgsql's; logs. The hosts add their exporters (Prometheus locally, Azure Monitor in Azure); OTLP is added here when
/// the standard OTEL_EXPORTER_OTLP_ENDPOINT setting names a collector.
/// <para>
/// Traces and logs are collected only when something exports them (<c>exportsTraces</c> or OTLP): with no
/// exporter no listener is attached, and spans cost the platform one check each. Nothing is sampled (the SDK's default,
/// parent-based always-on), so an error's trace is always whole; a volume cap, if ever needed, belongs in a collector's
/// tail sampling, which can keep every trace with an error.
/// </para>
/// <para>
/// PIT_TELEMETRY (<see cref="PitTelemetryMode"/>) switches this per host: <c>off</c> registers no OpenTelemetry at all
/// (no SDK, no meter or activity listener: what instrumentation costs when nobody listens), <c>traces</c> records every
/// span (the default parent-based always-on sampler; nothing is sampled away) and exports spans and logs through batch
/// processors into <see cref="DiscardingExporter"/>, so the cost of a traced deployment is paid without a collector
/// (docs/PERFORMANCE.md, "Telemetry cost").
/// </para>
/// </summary>
public static class PitTelemetryServiceCollectionExtensions
{
    /// <summary>
    /// The standard OpenTelemetry setting; any OTLP/gRPC or OTLP/HTTP collector (OTEL_EXPORTER_OTLP_PROTOCOL).
    /// </summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Paths whose requests are not traced: scrapes and probes, every few seconds, say nothing about events.
    /// </summary>
    private static readonly string[] UntracedPaths = ["/metrics", "/healthz", "/livez"];

    /// <summary>
    /// Spans queued for the batch exporter in traces mode: room for a few seconds of a loaded ingest path.
    /// </summary>
    private const int TracesModeQueue = 65_536;

    /// <returns>The builder to add exporters to; null when PIT_TELEMETRY=off (nothing was registered).</returns>
    public static IOpenTelemetryBuilder? AddPitTelemetry(
        this IServiceCollection services,
        IConfiguration configuration,
        string serviceName,
        bool exportsTraces = false
    )
    {
        var mode = PitTelemetryModes.Read(configuration);
        if (mode == PitTelemetryMode.Off)
            return null;
        var traced = mode == PitTelemetryMode.Traces;
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);
        var builder = services
            .AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceVersion: PitVersion.Current))
            .WithMetrics(metrics =>
                metrics
                    .AddMeter(PitMetrics.MeterName)
                    // A NAV in micros has no meaningful buckets: sum, count, min and max per cell are what the chart
                    // reads, and a scrape stays a few lines per cell instead of a bucket series each.
                    .AddView(PitMetrics.NavValue.Name, new ExplicitBucketHistogramConfiguration { Boundaries = [] })
                    .AddRuntimeInstrumentation()
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddNpgsqlInstrumentation()
            );
        if (otlp || exportsTraces || traced)
        {
            builder
                .WithTracing(tracing =>
                    tracing
                        .AddSource(PitTelemetry.SourceName)
                        .AddAspNetCoreInstrumentation(options =>
                        {
                            options.RecordException = true;
                            options.Filter = context => !IsUntraced(context.Request.Path);
                        })
                        .AddHttpClientInstrumentation(options => options.RecordException = true)
                        .AddNpgsql()
                )
                .WithLogging(configureBuilder: null, configureOptions: options =>
                {
                    options.IncludeFormattedMessage = true;
                    options.IncludeScopes = true;
                });
        }
        if (traced)
        {
            // The SDK's default sampler, parent-based always-on, as every deployment runs it: every root span and every
            // span of a sampled trace is recorded (all of them in the load tests), and what is measured is what they
            // pay.
            builder.WithTracing(tracing =>
                tracing.AddProcessor(
                    new BatchActivityExportProcessor(
                        new DiscardingExporter.Spans(),
                        maxQueueSize: TracesModeQueue,
                        scheduledDelayMilliseconds: 1_000
                    )
                )
            );
            builder.WithLogging(logging =>
                logging.AddProcessor(new BatchLogRecordExportProcessor(new DiscardingExporter.LogRecords()))
            );
        }
        if (otlp)
            builder.UseOtlpExporter();
        return builder;
    }

    private static bool IsUntraced(PathString path)
    {
        foreach (var untraced in UntracedPaths)
        {
            if (path.StartsWithSegments(untraced, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }
}
