using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.Metrics;
using Microsoft.Extensions.Hosting;
using PitPlatform.Contracts;

namespace PitPlatform.Functions;

/// <summary>
/// Forwards the platform's System.Diagnostics.Metrics (<see cref="PitMetrics"/>) to Application Insights as
/// pre-aggregated custom metrics: TelemetryClient.GetMetric aggregates per minute in process and is never sampled,
/// which the alerts (consumer lag) and the workbook in bicep/ rely on. The local host needs no forwarder.
/// </summary>
public sealed class PlatformMetricsForwarder(TelemetryClient telemetry) : IHostedService, IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Name, string Dimensions), Metric> _metrics = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PitMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Track(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Track(instrument, value, tags));
        _listener.Start();
        return Task.CompletedTask;
    }

    private void Track(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Every instrument of PitMetrics has at most four tags, always the same names in the same order.
        Span<string> names = ["", "", "", ""];
        Span<string> values = ["", "", "", ""];
        var count = Math.Min(tags.Length, 4);
        for (var i = 0; i < count; i++)
        {
            names[i] = tags[i].Key;
            values[i] = tags[i].Value?.ToString() ?? "";
        }
        var dimensionNames = string.Join(',', names[..count].ToArray());
        var metric = _metrics.GetOrAdd((instrument.Name, dimensionNames), key =>
            telemetry.GetMetric(new MetricIdentifier("", key.Name, key.Dimensions.Length == 0 ? [] : key.Dimensions.Split(','))));
        if (count == 0)
        {
            metric.TrackValue(value);
            return;
        }
        _ = count switch
        {
            1 => metric.TrackValue(value, values[0]),
            2 => metric.TrackValue(value, values[0], values[1]),
            3 => metric.TrackValue(value, values[0], values[1], values[2]),
            _ => metric.TrackValue(value, values[0], values[1], values[2], values[3]),
        };
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _listener.Dispose();
        telemetry.Flush();
        return Task.CompletedTask;
    }

    public void Dispose() => _listener.Dispose();
}
