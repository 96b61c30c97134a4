using PitPlatform.Contracts.Consuming;
using PitPlatform.Infrastructure.Kafka;

namespace PitPlatform.LocalHost;

/// <summary>One <see cref="KafkaConsumerLoop"/> per registered handler, each in its own consumer group.</summary>
public sealed class ConsumerLoopsService(
    IEnumerable<IRecordBatchHandler> handlers, KafkaSettings kafka, ConsumerLoopOptions options, ILoggerFactory loggers) : IHostedService
{
    private readonly List<KafkaConsumerLoop> _loops = [];

    public IReadOnlyList<KafkaConsumerLoop> Loops => _loops;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var handler in handlers)
        {
            var loop = new KafkaConsumerLoop(handler, kafka, options, loggers.CreateLogger($"PitPlatform.Consumer.{handler.ConsumerGroup}"));
            loop.Start();
            _loops.Add(loop);
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_loops.Select(l => l.DisposeAsync().AsTask())).ConfigureAwait(false);
        _loops.Clear();
    }
}
