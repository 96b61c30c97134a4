namespace PitPlatform.Processing.Idempotency;

/// <summary>
/// An event a consumer applied before: its payload hash (a different hash under the same id is a conflict) and the
/// output to re-emit, or null when there is nothing to re-emit (no output, or Kafka already acknowledged it).
/// </summary>
public sealed record ProcessedEvent(byte[] PayloadSha256, byte[]? OutputToReemit);
