using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using PitPlatform.Contracts;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;

namespace PitPlatform.Infrastructure.Kafka;

/// <summary>
/// The local host's stand-in for the Functions Kafka trigger: polls batches for one handler in its own consumer
/// group and commits a batch's offsets only after the handler returned (at-least-once). Like the trigger, it stores
/// a finished batch's offsets and lets the client commit them in the background (every
/// <see cref="ConsumerLoopOptions.AutoCommitIntervalMs"/>, and on close or when partitions are revoked), so no
/// commit round trip sits between one batch and the next; offsets stored but not yet committed when the process
/// dies are redelivered, which the idempotent handlers absorb. When the handler throws,
/// nothing is committed, the consumer seeks back to the batch's first offsets and the batch is retried with
/// exponential backoff, so a transient outage delays records but never skips them.
/// </summary>
public sealed class KafkaConsumerLoop : IAsyncDisposable
{
    private readonly IRecordBatchHandler _handler;
    private readonly KafkaSettings _settings;
    private readonly ConsumerLoopOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _running;

    public KafkaConsumerLoop(
        IRecordBatchHandler handler,
        KafkaSettings settings,
        ConsumerLoopOptions options,
        ILogger logger
    )
    {
        KafkaNativeLibrary.EnsureResolver();
        _handler = handler;
        _settings = settings;
        _options = options;
        _logger = logger;
        Naming = new KafkaNaming(settings.Prefix);
    }

    public KafkaNaming Naming { get; }

    /// <summary>The consumer group this loop's handler reads as.</summary>
    public string ConsumerGroup => _handler.ConsumerGroup;

    /// <summary>Batches the handler completed and whose offsets were stored for commit.</summary>
    public long CommittedBatches => Interlocked.Read(ref _committedBatches);
    private long _committedBatches;

    /// <summary>Set once the consumer holds at least one partition.</summary>
    public Task Assigned => _assigned.Task;
    private readonly TaskCompletionSource _assigned = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Start()
    {
        if (_running is not null)
            throw new InvalidOperationException("already started");
        // Consume() blocks, so the whole loop runs on a thread of its own and waits for the handler there: were it to
        // await, everything after the first batch would run on thread-pool threads, and every loop blocked in
        // Consume() would hold one, starving the pool that HTTP requests, Npgsql and produce completions share.
        _running = Task.Factory.StartNew(
            () => Run(_stopping.Token),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default
        );
    }

    /// <summary>Stops polling; a batch in the handler is cancelled and left uncommitted.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_running is not null)
        {
            try
            {
                await _running.ConfigureAwait(false);
            }
            catch (OperationCanceledException) { }
        }
    }

    /// <summary>Stops the loop (see <see cref="StopAsync"/>); calling it again does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private int _disposed;

    private void Run(CancellationToken stopping)
    {
        var config = new ConsumerConfig
        {
            GroupId = Naming.Group(_handler.ConsumerGroup),
            ClientId = $"pit-{_handler.ConsumerGroup}",
            EnableAutoCommit = true,
            AutoCommitIntervalMs = _options.AutoCommitIntervalMs,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = _options.SessionTimeoutMs,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
            FetchWaitMaxMs = _options.FetchWaitMaxMs,
            // Only what the handler reads is marshalled into .NET: headers for handlers that read them, and the topic
            // name (a string per record) only when the subscription has more than one topic.
            ConsumeResultFields =
                _handler.ReadsHeaders ? "all"
                : _handler.Topics.Count == 1 ? "timestamp"
                : "topic,timestamp",
        };
        _settings.Apply(config);
        using var consumer = _settings
            .Configure(new ConsumerBuilder<byte[], byte[]>(config))
            .SetPartitionsAssignedHandler(
                (_, partitions) =>
                {
                    if (partitions.Count > 0)
                        _assigned.TrySetResult();
                }
            )
            .SetErrorHandler(
                (_, error) => _logger.LogWarning("consumer {Group}: {Reason}", config.GroupId, error.Reason)
            )
            .Build();
        consumer.Subscribe(_handler.Topics.Select(Naming.Topic));
        var attempt = 0;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var batch = Poll(consumer, stopping);
                if (batch.Count == 0)
                    continue;
                try
                {
                    _handler.HandleObservedAsync(batch, TimeProvider.System, stopping).GetAwaiter().GetResult();
                }
                catch (Exception e)
                {
                    // A batch that fails while the loop stops (often because it stops) stays uncommitted for the next
                    // member; checked inside the catch, not in a filter, so a stop that lands after the throw cannot
                    // let the handler's exception escape to the one stopping the loop.
                    if (stopping.IsCancellationRequested)
                    {
                        _logger.LogDebug(
                            e,
                            "{Group}: batch from {First} left uncommitted on stop",
                            _handler.ConsumerGroup,
                            batch[0]
                        );
                        break;
                    }
                    attempt++;
                    var delay = Backoff(attempt);
                    _logger.LogWarning(
                        e,
                        "{Group}: batch of {Count} from {First} failed (attempt {Attempt}); retrying in {Delay} ms",
                        _handler.ConsumerGroup,
                        batch.Count,
                        batch[0],
                        attempt,
                        (int)delay.TotalMilliseconds
                    );
                    Rewind(consumer, batch);
                    if (stopping.WaitHandle.WaitOne(delay))
                        break;
                    continue;
                }
                attempt = 0;
                Commit(consumer, batch);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
        finally
        {
            try
            {
                consumer.Close();
            }
            catch (KafkaException e)
            {
                _logger.LogDebug(e, "closing consumer {Group}", config.GroupId);
            }
        }
    }

    private List<ConsumedRecord> Poll(IConsumer<byte[], byte[]> consumer, CancellationToken stopping)
    {
        var batch = new List<ConsumedRecord>();
        var first = consumer.Consume(stopping);
        if (first?.Message is null)
            return batch;
        batch.Add(ToRecord(first));
        var wait = _handler.BatchWindow > _options.MaxBatchWait ? _handler.BatchWindow : _options.MaxBatchWait;
        var deadline = DateTime.UtcNow + wait;
        while (batch.Count < _options.MaxBatchSize)
        {
            var remaining = deadline - DateTime.UtcNow;
            var next = consumer.Consume(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
            if (next?.Message is null)
                break;
            batch.Add(ToRecord(next));
        }
        return batch;
    }

    private ConsumedRecord ToRecord(ConsumeResult<byte[], byte[]> result)
    {
        var headers = result.Message.Headers is { Count: > 0 } h
            ? h.Select(x => new KeyValuePair<string, byte[]>(x.Key, x.GetValueBytes())).ToArray()
            : [];
        var catalogTopic = result.Topic is null
            ? _handler.Topics[0]
            : Naming.CatalogTopic(result.Topic) ?? result.Topic;
        return new ConsumedRecord(
            catalogTopic,
            result.Partition.Value,
            result.Offset.Value,
            result.Message.Key,
            result.Message.Value ?? [],
            result.Message.Timestamp.UtcDateTime,
            headers
        );
    }

    private void Commit(IConsumer<byte[], byte[]> consumer, List<ConsumedRecord> batch)
    {
        var offsets = batch
            .GroupBy(r => (r.Topic, r.Partition))
            .Select(g => new TopicPartitionOffset(Naming.Topic(g.Key.Topic), g.Key.Partition, g.Max(r => r.Offset) + 1))
            .ToList();
        try
        {
            foreach (var offset in offsets)
                consumer.StoreOffset(offset);
            Interlocked.Increment(ref _committedBatches);
            if (PitMetrics.LagRecords.Enabled)
                ReportLag(consumer, offsets);
        }
        catch (KafkaException e)
        {
            // Typically a rebalance took the partitions away: the new owner re-reads from the last commit and the
            // idempotent handler turns the repeats into no-ops.
            _logger.LogWarning(
                "{Group}: offsets not stored ({Reason}); records will be redelivered",
                _handler.ConsumerGroup,
                e.Error.Reason
            );
        }
    }

    /// <summary>
    /// Records between the stored position and the partition's end as the client last saw it (a cached watermark, no
    /// round trip): pit.consumer.lag. Only while the gauge is collected.
    /// </summary>
    private void ReportLag(IConsumer<byte[], byte[]> consumer, List<TopicPartitionOffset> positions)
    {
        foreach (var position in positions)
        {
            var end = consumer.GetWatermarkOffsets(position.TopicPartition).High;
            if (end == Offset.Unset)
                continue;
            ConsumerLag.Behind(
                _handler.ConsumerGroup,
                Naming.CatalogTopic(position.Topic) ?? position.Topic,
                position.Partition.Value,
                Math.Max(0, end.Value - position.Offset.Value)
            );
        }
    }

    private void Rewind(IConsumer<byte[], byte[]> consumer, List<ConsumedRecord> batch)
    {
        foreach (var first in batch.GroupBy(r => (r.Topic, r.Partition)).Select(g => g.MinBy(r => r.Offset)!))
        {
            try
            {
                consumer.Seek(new TopicPartitionOffset(Naming.Topic(first.Topic), first.Partition, first.Offset));
            }
            catch (KafkaException e)
            {
                _logger.LogDebug(
                    "{Group}: seek {Record} skipped ({Reason})",
                    _handler.ConsumerGroup,
                    first,
                    e.Error.Reason
                );
            }
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var ms = _options.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 16));
        return TimeSpan.FromMilliseconds(Math.Min(ms, _options.MaxRetryDelay.TotalMilliseconds));
    }
}
