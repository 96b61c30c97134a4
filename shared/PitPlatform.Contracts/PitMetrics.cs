using System.Diagnostics.Metrics;
using PitPlatform.Contracts.Consuming;

namespace PitPlatform.Contracts;

/// <summary>
/// The platform's own metrics, host-independent (System.Diagnostics.Metrics), named here and only here; the table in
/// docs/DEPLOYMENT.md ("Metrics") lists them. Both hosts export them through OpenTelemetry: Prometheus and OTLP
/// locally, Azure Monitor (customMetrics, never sampled) in Azure, where the alerts and the workbook in bicep/ query
/// them by these names. Tag values are bounded sets (groups, topics, partitions, reasons, codes) except the NAV's
/// cells, which are the point of that chart.
/// </summary>
public static class PitMetrics
{
    public const string MeterName = "PitPlatform";

    public static readonly Meter Meter = new(MeterName);

    /// <summary>
    /// Events answered by POST /v1/events, tagged outcome = accepted | rejected and type (the catalog topic, or
    /// invalid).
    /// </summary>
    public static readonly Counter<long> IngestEvents = Meter.CreateCounter<long>("pit.ingest.events", "{event}");

    /// <summary>Error answers and rejected events, tagged code (ERR_*): the API's and ingest's error rate.</summary>
    public static readonly Counter<long> Errors = Meter.CreateCounter<long>("pit.errors", "{error}");

    /// <summary>Age of the oldest record of a batch when its handler starts: consumer lag, in time.</summary>
    public static readonly Histogram<double> RecordAge = Meter.CreateHistogram<double>(
        "pit.consumer.record_age_ms",
        "ms"
    );

    /// <summary>
    /// Age of the oldest record of a batch when its handler returned: event to processed, end to end.
    /// </summary>
    public static readonly Histogram<double> RecordAgeAtEnd = Meter.CreateHistogram<double>(
        "pit.consumer.record_age_at_end_ms",
        "ms"
    );

    /// <summary>How long a handler took for one batch, tagged consumer_group and outcome = ok | failed.</summary>
    public static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>(
        "pit.consumer.batch_duration_ms",
        "ms"
    );

    /// <summary>
    /// Records a handler completed, tagged consumer_group: consumer throughput (the low-throughput alert).
    /// </summary>
    public static readonly Counter<long> ConsumedRecords = Meter.CreateCounter<long>(
        "pit.consumer.records",
        "{record}"
    );

    /// <summary>
    /// Records a group is behind the partition's end, tagged consumer_group, topic and partition (local host).
    /// </summary>
    public static readonly ObservableGauge<long> LagRecords = Meter.CreateObservableGauge(
        "pit.consumer.lag",
        ConsumerLag.RecordsBehind,
        "{record}"
    );

    /// <summary>
    /// Age of the last record a group handled per partition, 0 once it caught up: lag in time, both hosts.
    /// </summary>
    public static readonly ObservableGauge<double> LagSeconds = Meter.CreateObservableGauge(
        "pit.consumer.lag_seconds",
        ConsumerLag.SecondsBehind,
        "s"
    );

    /// <summary>Dead letters written, tagged consumer_group and reason.</summary>
    public static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>("pit.dead_letters", "{record}");

    /// <summary>
    /// Postgres unreachable (connection refused, broken, timed out), tagged component (ingest, http or the group).
    /// </summary>
    public static readonly Counter<long> DatabaseConnectionFailures = Meter.CreateCounter<long>(
        "pit.database.connection_failures",
        "{failure}"
    );

    /// <summary>Records waiting in a Kafka producer's local queue (librdkafka's msg_cnt), tagged client_id.</summary>
    public static readonly ObservableGauge<long> ProducerQueueDepth = Meter.CreateObservableGauge(
        "pit.kafka.producer.queue_depth",
        ProducerQueues.Depths,
        "{record}"
    );

    /// <summary>NAV a committed batch left a cell at, in micros, tagged tenant, series, cell and currency.</summary>
    public static readonly Histogram<long> NavValue = Meter.CreateHistogram<long>("pit.nav.value_micros", "micros");

    /// <summary>One error answer or rejected event of <paramref name="code"/>.</summary>
    public static void Error(string code, long count = 1)
    {
        if (Errors.Enabled)
            Errors.Add(count, new KeyValuePair<string, object?>("code", code));
    }
}
