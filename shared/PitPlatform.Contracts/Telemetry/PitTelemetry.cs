using System.Diagnostics;

namespace PitPlatform.Contracts.Telemetry;

/// <summary>
/// The platform's own spans, for both hosts: one <see cref="ActivitySource"/> and the span and attribute names, in one
/// place (docs/DEPLOYMENT.md, "Traces"). Spans follow OpenTelemetry's messaging conventions: ingest sends a request's
/// events under one span per topic, whose W3C context rides in each envelope and its Kafka headers; a consumer's batch
/// span continues it. Nothing here allocates unless a listener (the OpenTelemetry SDK) samples our source.
/// </summary>
public static class PitTelemetry
{
    public const string SourceName = "PitPlatform";

    public static readonly ActivitySource Source = new(SourceName, PitVersion.Current);

    /// <summary>Span names: "send {topic}" per ingest request and topic, "process {consumer group}" per consumer batch
    /// or record.
    /// Topics and groups are a small fixed set, so each name is made once, not once per span.</summary>
    public static string SendSpan(string topic) => SendNames.GetOrAdd(topic, static t => "send " + t);

    public static string ProcessSpan(string consumerGroup) =>
        ProcessNames.GetOrAdd(consumerGroup, static g => "process " + g);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> SendNames = new(
        StringComparer.Ordinal
    );
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> ProcessNames = new(
        StringComparer.Ordinal
    );

    private static readonly string[] PartitionIds = Enumerable
        .Range(0, 256)
        .Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .ToArray();

    /// <summary>A partition's id as the messaging conventions want it (a string), without a string per span.</summary>
    public static string PartitionId(int partition) =>
        (uint)partition < (uint)PartitionIds.Length
            ? PartitionIds[partition]
            : partition.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // OpenTelemetry semantic conventions (messaging, Kafka).
    public const string MessagingSystem = "messaging.system";
    public const string MessagingOperation = "messaging.operation.type";
    public const string Destination = "messaging.destination.name";
    public const string ConsumerGroup = "messaging.consumer.group.name";
    public const string BatchCount = "messaging.batch.message_count";
    public const string MessageId = "messaging.message.id";
    public const string Partition = "messaging.destination.partition.id";
    public const string Offset = "messaging.kafka.offset";

    /// <summary>OpenTelemetry's general attribute for what made an operation fail (the exception's type).</summary>
    public const string ErrorType = "error.type";

    /// <summary>The platform's own attributes: the tenant, and the event a span or a log line is about.</summary>
    public const string Tenant = "pit.tenant";
    public const string EventType = "pit.event.type";
}
