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
    IReadOnlyList<KeyValuePair<string, byte[]>> Headers)
{
    public override string ToString() => $"{Topic}[{Partition}]@{Offset}";
}
