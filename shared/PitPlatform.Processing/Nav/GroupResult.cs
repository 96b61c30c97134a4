using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Processing.DeadLetters;

namespace PitPlatform.Processing.Nav;

/// <summary>What applying one group of cells yielded.</summary>
internal sealed class GroupResult(int capacity)
{
    public List<EventEnvelope> Outputs { get; } = new(capacity);

    /// <summary>Each output's bytes, serialised once for the processed-event row and Kafka alike.</summary>
    public List<byte[]> OutputBytes { get; } = new(capacity);
    public List<PoisonRecord> Poison { get; } = [];

    public void Add(EventEnvelope output, byte[] bytes)
    {
        Outputs.Add(output);
        OutputBytes.Add(bytes);
    }

    /// <summary>Kafka's answer for each output, once produced.</summary>
    public ProduceOutcome[] Produced { get; set; } = [];
}
