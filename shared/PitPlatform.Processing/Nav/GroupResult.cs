using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Processing.DeadLetters;

namespace PitPlatform.Processing.Nav;

/// <summary>What applying one group of cells yielded.</summary>
internal sealed class GroupResult(int capacity)
{
    private readonly List<EventEnvelope> _outputs = new(capacity);
    private readonly List<byte[]> _outputBytes = new(capacity);

    /// <summary>The NAV updates to emit, in offset order.</summary>
    public IReadOnlyList<EventEnvelope> Outputs => _outputs;

    /// <summary>Each output's bytes, serialised once for the processed-event row and Kafka alike.</summary>
    public IReadOnlyList<byte[]> OutputBytes => _outputBytes;

    public List<PoisonRecord> Poison { get; } = [];

    /// <summary>Kafka's answer for each output, once produced.</summary>
    public ProduceOutcome[] Produced { get; set; } = [];

    /// <summary>Starts producing the outputs (once; later calls return the same task).</summary>
    public Task<ProduceOutcome[]> Emit(EnvelopeProducer producer) =>
        _emitting ??=
            _outputs.Count > 0
                ? producer.ProduceBatchAsync(_outputs, _outputBytes)
                : Task.FromResult<ProduceOutcome[]>([]);

    private Task<ProduceOutcome[]>? _emitting;

    public void AddOutput(EventEnvelope output, byte[] bytes)
    {
        _outputs.Add(output);
        _outputBytes.Add(bytes);
    }
}
