using PitPlatform.Contracts.Consuming;

namespace PitPlatform.Processing.Idempotency;

/// <summary>
/// A processed-event row to write: the event, its payload hash, its output and the record it came from.
/// </summary>
public sealed record ProcessedEventRow(Guid EventId, byte[] PayloadSha256, byte[]? Output, ConsumedRecord Source);
