using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Infrastructure.Tests;

/// <summary>The local host's consumer loop commits only what its handler finished, and retries what failed.</summary>
public sealed class consumer_loop_commits(KafkaFixture kafka)
{
    private const string Topic = "pit.v1.ops.retention_sweep";

    // The batch wait gathers all the test's records into one batch even on a busy machine, so attempts are countable.
    private static readonly ConsumerLoopOptions Options = new()
    {
        FirstRetryDelay = TimeSpan.FromMilliseconds(50),
        SessionTimeoutMs = 6000,
        MaxBatchWait = TimeSpan.FromMilliseconds(500),
    };

    [Fact]
    public async Task a_failing_batch_is_retried_from_its_first_offset_and_committed_only_after_success()
    {
        var settings = await SettingsWithRecordsAsync(5);
        var handler = new RecordingHandler(failures: 2);
        await using (var loop = new KafkaConsumerLoop(handler, settings, Options, NullLogger.Instance))
        {
            loop.Start();
            await Eventually.WaitForAsync(
                () => Task.FromResult(loop.CommittedBatches),
                n => n >= 1,
                TimeSpan.FromSeconds(30),
                "a commit"
            );
        }
        Assert.Equal(3, handler.Attempts);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => (long)i), handler.Succeeded.Select(r => r.Offset).Order());
        Assert.Equal(5, await CommittedAsync(settings));
    }

    [Fact]
    public async Task records_of_a_batch_that_never_finished_go_to_the_next_member()
    {
        var settings = await SettingsWithRecordsAsync(3);
        var stuck = new RecordingHandler(failures: int.MaxValue);
        await using (var first = new KafkaConsumerLoop(stuck, settings, Options, NullLogger.Instance))
        {
            first.Start();
            await Eventually.WaitForAsync(
                () => Task.FromResult(stuck.Attempts),
                n => n >= 1,
                TimeSpan.FromSeconds(30),
                "a first attempt"
            );
        }
        Assert.Equal(0, await CommittedAsync(settings));

        var healthy = new RecordingHandler(failures: 0);
        await using (var second = new KafkaConsumerLoop(healthy, settings, Options, NullLogger.Instance))
        {
            second.Start();
            await Eventually.WaitForAsync(
                () => Task.FromResult(healthy.Succeeded.Count),
                n => n >= 3,
                TimeSpan.FromSeconds(30),
                "redelivery"
            );
        }
        Assert.Equal([0L, 1L, 2L], healthy.Succeeded.Select(r => r.Offset).Order());
    }

    [Fact]
    public async Task a_batch_that_fails_as_the_loop_stops_stays_uncommitted_and_stopping_does_not_throw()
    {
        var settings = await SettingsWithRecordsAsync(2);
        var handler = new FailsOnStopHandler();
        await using var loop = new KafkaConsumerLoop(handler, settings, Options, NullLogger.Instance);
        loop.Start();
        await handler.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        await loop.DisposeAsync();

        Assert.Equal(0, await CommittedAsync(settings));
    }

    private async Task<KafkaSettings> SettingsWithRecordsAsync(int count)
    {
        var naming = await kafka.CreateCatalogTopicsAsync();
        using var producer = new ProducerBuilder<byte[], byte[]>(
            new ProducerConfig { BootstrapServers = kafka.BootstrapServers }
        ).Build();
        for (var i = 0; i < count; i++)
            await producer.ProduceAsync(
                new TopicPartition(naming.Topic(Topic), 0),
                new Message<byte[], byte[]> { Value = [(byte)i] },
                TestContext.Current.CancellationToken
            );
        return kafka.Settings(naming);
    }

    /// <summary>The committed offset of partition 0 for the handler's group, read back from the broker.</summary>
    private async Task<long> CommittedAsync(KafkaSettings settings)
    {
        await Task.Yield();
        var naming = new Contracts.Catalog.KafkaNaming(settings.Prefix);
        using var consumer = new ConsumerBuilder<byte[], byte[]>(
            new ConsumerConfig
            {
                BootstrapServers = kafka.BootstrapServers,
                GroupId = naming.Group(RecordingHandler.Group),
            }
        ).Build();
        var committed = consumer.Committed([new TopicPartition(naming.Topic(Topic), 0)], TimeSpan.FromSeconds(10));
        return committed.Single().Offset.Value is var o && o < 0 ? 0 : o;
    }

    private sealed class RecordingHandler(int failures) : IRecordBatchHandler
    {
        public const string Group = "retention-sweeper";
        private int _attempts;
        public int Attempts => Volatile.Read(ref _attempts);
        public List<ConsumedRecord> Succeeded { get; } = [];
        public string ConsumerGroup => Group;
        public IReadOnlyList<string> Topics => [Topic];

        public Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _attempts) <= failures)
                throw new TimeoutException("simulated transient failure");
            lock (Succeeded)
                Succeeded.AddRange(batch);
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// Fails with a non-cancellation error only once the loop is stopping, as a dropped connection would.
    /// </summary>
    private sealed class FailsOnStopHandler : IRecordBatchHandler
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string ConsumerGroup => RecordingHandler.Group;
        public IReadOnlyList<string> Topics => [Topic];

        public async Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException) { }
            throw new TimeoutException("connection lost while the host stopped");
        }
    }
}
