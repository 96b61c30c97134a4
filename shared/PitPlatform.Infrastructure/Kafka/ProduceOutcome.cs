namespace PitPlatform.Infrastructure.Kafka;

/// <summary>What became of one record of a batch: stored where the broker says, or not, and why.</summary>
public readonly record struct ProduceOutcome(ProducedRecord? Record, Exception? Error)
{
    public bool IsStored => Record is not null;

    public static ProduceOutcome Stored(ProducedRecord record) => new(record, null);

    public static ProduceOutcome Failed(Exception error) => new(null, error);
}
