using PitPlatform.Contracts.Consuming;

namespace PitPlatform.Processing.Idempotency;

/// <summary>
/// An event a consumer applied before: its payload hash (a different hash under the same id is a conflict) and the
/// output to re-emit, or null when there is nothing to re-emit (no output, or Kafka already acknowledged it); and the
/// source position it was applied from, when recorded, which tells a replay of that record from a second record of the
/// same event.
/// </summary>
public sealed record ProcessedEvent(
    byte[] PayloadSha256,
    byte[]? OutputToReemit,
    string? SourceTopic = null,
    int? SourcePartition = null,
    long? SourceOffset = null
)
{
    /// <summary>
    /// True when <paramref name="record"/> lies at another position than the one the event was applied from: a second
    /// delivery of the event, not a replay. False when the position was not recorded.
    /// </summary>
    public bool IsOtherRecordThan(ConsumedRecord record) =>
        SourceOffset is { } offset
        && (SourceTopic != record.Topic || SourcePartition != record.Partition || offset != record.Offset);
}
