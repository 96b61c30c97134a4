using PitPlatform.Contracts.Consuming;
using PitPlatform.Infrastructure.Kafka;

namespace PitPlatform.LocalHost;

/// <summary>
/// <see cref="KafkaConsumerLoop"/>s for every registered handler, each handler in its own consumer group, as many per
/// group as <see cref="ConsumerInstances"/> says (the group's partitions are shared among them, as among Function
/// instances).
/// </summary>
public sealed class ConsumerLoopsService(
    IEnumerable<IRecordBatchHandler> handlers,
    KafkaSettings kafka,
    ConsumerLoopOptions options,
    ILoggerFactory loggers
) : IHostedService
{
    private readonly List<KafkaConsumerLoop> _loops = [];

    public IReadOnlyList<KafkaConsumerLoop> Loops => _loops;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var only = Selected(handlers);
        var instances = ConsumerInstances.FromEnvironment();
        var unknown = instances.Named.Except(handlers.Select(h => h.ConsumerGroup)).ToList();
        if (unknown.Count > 0)
            throw new InvalidOperationException(
                $"{ConsumerInstances.Setting} names no consumer group '{string.Join("', '", unknown)}'"
            );
        foreach (var handler in handlers)
        {
            if (only is not null && !only.Contains(handler.ConsumerGroup))
                continue;
            for (var i = 0; i < instances.For(handler.ConsumerGroup); i++)
            {
                var loop = new KafkaConsumerLoop(
                    handler,
                    kafka,
                    options,
                    loggers.CreateLogger($"PitPlatform.Consumer.{handler.ConsumerGroup}")
                );
                loop.Start();
                _loops.Add(loop);
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// PIT_CONSUMERS, a comma-separated list of consumer groups, runs only those (for example to measure one path
    /// alone); unset runs every consumer. A name that is no consumer group stops the host.
    /// </summary>
    private static HashSet<string>? Selected(IEnumerable<IRecordBatchHandler> handlers)
    {
        var text = Environment.GetEnvironmentVariable("PIT_CONSUMERS");
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.Ordinal);
        var unknown = names.Except(handlers.Select(h => h.ConsumerGroup)).ToList();
        if (unknown.Count > 0)
            throw new InvalidOperationException(
                $"PIT_CONSUMERS names no consumer group '{string.Join("', '", unknown)}'; the groups are "
                    + $"{string.Join(", ", handlers.Select(h => h.ConsumerGroup))}"
            );
        return names;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_loops.Select(l => l.DisposeAsync().AsTask())).ConfigureAwait(false);
        _loops.Clear();
    }
}
