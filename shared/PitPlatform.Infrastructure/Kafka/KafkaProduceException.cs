using Confluent.Kafka;

namespace PitPlatform.Infrastructure.Kafka;

/// <summary>
/// The broker did not acknowledge a record. <see cref="IsTransient"/> tells whether retrying can help.
/// </summary>
public sealed class KafkaProduceException(string message, ErrorCode code, bool isTransient, Exception? inner = null)
    : Exception(message, inner)
{
    public ErrorCode Code { get; } = code;
    public bool IsTransient { get; } = isTransient;
}
