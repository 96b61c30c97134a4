namespace PitPlatform.Processing.Idempotency;

/// <summary>The highest offset of a source partition that a consumer handled, with every output acknowledged.</summary>
public readonly record struct WatermarkHead(string Topic, int Partition, long Through);
