namespace PitPlatform.Infrastructure.Kafka;

/// <summary>An envelope over the per-record limit (Event Hubs accepts records below 1,046,528 bytes).</summary>
public sealed class EnvelopeTooLargeException(int size, int limit)
    : InvalidOperationException($"the envelope is {size} bytes; the limit is {limit}")
{
    public int Size { get; } = size;
    public int Limit { get; } = limit;
}
