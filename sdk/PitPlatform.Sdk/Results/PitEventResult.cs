namespace PitPlatform.Sdk.Results;

/// <summary>The outcome of one event of a <see cref="PitIngestionClient.SendAsync"/> call, in the order sent.</summary>
/// <param name="EventId">The event's id.</param>
/// <param name="Status">Accepted, duplicate or rejected.</param>
/// <param name="Error">Why it was rejected; null otherwise.</param>
/// <param name="Topic">The Kafka topic it was stored in, when accepted.</param>
/// <param name="Partition">The partition, when accepted.</param>
/// <param name="Offset">The offset, when accepted.</param>
public sealed record PitEventResult(
    Guid EventId,
    PitEventStatus Status,
    PitEventError? Error = null,
    string? Topic = null,
    int? Partition = null,
    long? Offset = null
);
