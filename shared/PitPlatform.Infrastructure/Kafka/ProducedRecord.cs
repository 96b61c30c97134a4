namespace PitPlatform.Infrastructure.Kafka;

/// <summary>Where the broker stored a record, once it acknowledged it.</summary>
public readonly record struct ProducedRecord(string Topic, int Partition, long Offset);
