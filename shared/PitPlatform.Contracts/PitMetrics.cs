using System.Diagnostics.Metrics;

namespace PitPlatform.Contracts;

/// <summary>
/// The platform's own metrics, host-independent (System.Diagnostics.Metrics). The Functions app forwards them to
/// Application Insights as pre-aggregated custom metrics (never sampled); the alerts and the workbook in bicep/ query
/// them by these names. Tag values are bounded sets (groups, topics, reasons) except the NAV's cells, which are the
/// point of that chart.
/// </summary>
public static class PitMetrics
{
    public const string MeterName = "PitPlatform";

    public static readonly Meter Meter = new(MeterName);

    /// <summary>Events answered by POST /v1/events, tagged outcome = accepted | rejected.</summary>
    public static readonly Counter<long> IngestEvents = Meter.CreateCounter<long>("pit.ingest.events", "{event}");

    /// <summary>Age of the oldest record of a batch when its handler starts: consumer lag, in time.</summary>
    public static readonly Histogram<double> RecordAge = Meter.CreateHistogram<double>("pit.consumer.record_age_ms", "ms");

    /// <summary>How long a handler took for one batch, tagged consumer_group and outcome = ok | failed.</summary>
    public static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>("pit.consumer.batch_duration_ms", "ms");

    /// <summary>Dead letters written, tagged consumer_group and reason.</summary>
    public static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>("pit.dead_letters", "{record}");

    /// <summary>NAV of a cell after an applied fill, in micros, tagged tenant, series, cell and currency.</summary>
    public static readonly Histogram<long> NavValue = Meter.CreateHistogram<long>("pit.nav.value_micros", "micros");
}
