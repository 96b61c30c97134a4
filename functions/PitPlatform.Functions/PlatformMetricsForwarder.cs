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
    private readonly ConcurrentDictionary<Instrument, Metric> _metrics = new();

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
        // Every instrument of PitMetrics has at most four tags, always the same names in the same order, so the
        // Application Insights metric (named dimensions) is made once per instrument, on its first measurement.
        var count = Math.Min(tags.Length, 4);
        if (!_metrics.TryGetValue(instrument, out var metric))
        {
            var dimensions = new string[count];
            for (var i = 0; i < count; i++) dimensions[i] = tags[i].Key;
            metric = _metrics.GetOrAdd(instrument, telemetry.GetMetric(new MetricIdentifier("", instrument.Name, dimensions)));
        }
        switch (count)
        {
            case 0: metric.TrackValue(value); break;
            case 1: metric.TrackValue(value, Value(tags, 0)); break;
            case 2: metric.TrackValue(value, Value(tags, 0), Value(tags, 1)); break;
            case 3: metric.TrackValue(value, Value(tags, 0), Value(tags, 1), Value(tags, 2)); break;
            default: metric.TrackValue(value, Value(tags, 0), Value(tags, 1), Value(tags, 2), Value(tags, 3)); break;
        }
    }

    private static string Value(ReadOnlySpan<KeyValuePair<string, object?>> tags, int i) => tags[i].Value?.ToString() ?? "";

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _listener.Dispose();
        telemetry.Flush();
        return Task.CompletedTask;
    }

    public void Dispose() => _listener.Dispose();
}
