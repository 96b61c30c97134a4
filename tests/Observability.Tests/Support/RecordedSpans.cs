using System.Collections.Concurrent;
using System.Diagnostics;
using PitPlatform.Contracts.Telemetry;

namespace PitPlatform.Observability.Tests.Support;

/// <summary>
/// Every span the platform and ASP.NET Core end while it listens (all sampled, as an exporter would see them).
/// </summary>
internal sealed class RecordedSpans : IDisposable
{
    private readonly ActivityListener _listener;

    public RecordedSpans()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is PitTelemetry.SourceName or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => Spans.Enqueue(activity),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ConcurrentQueue<Activity> Spans { get; } = new();

    public IEnumerable<Activity> InTrace(ActivityTraceId trace) => Spans.Where(s => s.TraceId == trace);

    public void Dispose() => _listener.Dispose();
}
