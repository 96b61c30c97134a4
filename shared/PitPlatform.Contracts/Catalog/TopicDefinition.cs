namespace PitPlatform.Contracts.Catalog;

/// <summary>One topic of the catalog (bicep/topics.yaml).</summary>
public sealed class TopicDefinition
{
    public string Name { get; init; } = "";

    /// <summary>The ingestion event type ({domain}.{event}) that POST /v1/events routes here, if any.</summary>
    public string? IngestType { get; init; }
    public int Partitions { get; init; }
    public int RetentionDays { get; init; }
    public string CleanupPolicy { get; init; } = "delete";
    public IReadOnlyList<string> PayloadTypes { get; init; } = [];
    public IReadOnlyList<string> Producers { get; init; } = [];
    public IReadOnlyList<string> ConsumerGroups { get; init; } = [];
    public bool Archived { get; init; }

    public bool AllowsPayloadType(string payloadType) => PayloadTypes.Contains(payloadType, StringComparer.Ordinal);
}
