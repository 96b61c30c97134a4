using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Processing.DeadLetters;

namespace PitPlatform.Processing.Nav;

/// <summary>What applying one group of cells yielded.</summary>
internal sealed class GroupResult(int capacity)
{
    public List<EventEnvelope> Outputs { get; } = new(capacity);
    public List<PoisonRecord> Poison { get; } = [];

    /// <summary>Kafka's answer for each output, once produced.</summary>
    public ProduceOutcome[] Produced { get; set; } = [];
}
