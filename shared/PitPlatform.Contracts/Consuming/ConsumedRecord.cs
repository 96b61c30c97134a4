namespace PitPlatform.Contracts.Consuming;

/// <summary>
/// One Kafka record as a handler sees it, whichever host read it (the local host's Confluent consumer or the
/// Azure Functions Kafka trigger's KafkaRecord).
/// </summary>
public sealed record ConsumedRecord(
    string Topic,
    int Partition,
    long Offset,
    byte[]? Key,
    byte[] Value,
    DateTimeOffset Timestamp,
    IReadOnlyList<KeyValuePair<string, byte[]>> Headers
)
{
    /// <summary>
    /// A tombstone: a key with a null value (both hosts hand it over as an empty value), which deletes the key on a
    /// compacted topic (see the deletion's tombstones step). It is no event: consumers skip it without dead-lettering.
    /// An envelope is never empty (it has at least an event id), so nothing else looks like this.
    /// </summary>
    public bool IsTombstone => Value.Length == 0;

    public override string ToString() => $"{Topic}[{Partition}]@{Offset}";
}
