using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Processing.Nav;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.EndToEnd.Tests;

/// <summary>
/// A NAV processor that dies after its Postgres commit but before its offset commit: the restarted processor gets the
/// fill again and leaves NAV unchanged. If Kafka had not acknowledged the NAV update yet, it re-emits the identical
/// update (same event_id, same bytes); if it had, it emits nothing more.
/// </summary>
public sealed class processor_crash_between_commits(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task killed_before_kafka_acknowledged_the_update_the_restarted_processor_reemits_the_identical_update()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        var options = new ConsumerLoopOptions { SessionTimeoutMs = 6000 };
        Assert.Equal(
            HttpStatusCode.Accepted,
            (await pipeline.PostEventsAsync(TradeFills.Body(Guid.NewGuid()), Ct)).StatusCode
        );

        // First life: Postgres commit done, then the process dies while the NAV update is on its way to Kafka. A small
        // batch hands its update to the producer while its write is still in flight, so the process dies only once
        // the commit is visible.
        var dyingProducer = new ProducerThatDies();
        var dying = new NavProcessor(
            pipeline.Service<NpgsqlDataSource>(),
            pipeline.Service<TopicCatalog>(),
            dyingProducer,
            pipeline.Service<DeadLetterWriter>(),
            NullLogger<NavProcessor>.Instance
        );
        var first = new KafkaConsumerLoop(dying, pipeline.Kafka, options, NullLogger.Instance);
        first.Start();
        await dyingProducer.Reached.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        await Eventually.WaitForAsync(
            () =>
                pipeline.Database.ScalarAsync<long>(
                    "SELECT count(*) FROM processed_events WHERE consumer = 'nav-processor'"
                ),
            n => n == 1,
            TimeSpan.FromSeconds(60),
            "the first life's Postgres commit"
        );
        var stopping = first.StopAsync();
        dyingProducer.Die();
        await stopping;
        await first.DisposeAsync();
        Assert.Equal(0, first.CommittedBatches);
        Assert.Equal(1, await pipeline.Database.ScalarAsync<long>("SELECT fills_applied FROM cell_cash"));
        Assert.Empty(
            TopicReader.ReadAll(pipeline.Kafka, NavProcessor.OutputTopic, expected: 1, TimeSpan.FromSeconds(2))
        );

        // Second life: the fill is a repeat, its stored update is emitted.
        var second = new KafkaConsumerLoop(
            pipeline.Service<NavProcessor>(),
            pipeline.Kafka,
            options,
            NullLogger.Instance
        );
        second.Start();
        await Eventually.WaitForAsync(
            () => Task.FromResult(second.CommittedBatches),
            n => n >= 1,
            TimeSpan.FromSeconds(60),
            "the restarted processor's commit"
        );
        await second.DisposeAsync();

        Assert.Equal(1, await pipeline.Database.ScalarAsync<long>("SELECT fills_applied FROM cell_cash"));
        Assert.Equal(-1_250_000_000, await pipeline.Database.ScalarAsync<long>("SELECT cash_micros FROM cell_cash"));
        Assert.Equal(1, await pipeline.Database.CountAsync("processed_events", "consumer = 'nav-processor'"));
        var stored = await pipeline.Database.ScalarAsync<byte[]>(
            "SELECT output FROM processed_events WHERE consumer = 'nav-processor'"
        );
        var update = Assert.Single(
            TopicReader.ReadAll(
                pipeline.Kafka,
                NavProcessor.OutputTopic,
                expected: 2,
                TimeSpan.FromSeconds(20),
                TimeSpan.FromSeconds(1)
            )
        );
        Assert.Equal(stored, update.Message.Value);
    }

    [Fact]
    public async Task killed_after_kafka_acknowledged_the_update_the_restarted_processor_changes_and_emits_nothing()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        var processor = pipeline.Service<NavProcessor>();
        var options = new ConsumerLoopOptions { SessionTimeoutMs = 6000 };

        Assert.Equal(
            HttpStatusCode.Accepted,
            (await pipeline.PostEventsAsync(TradeFills.Body(Guid.NewGuid()), Ct)).StatusCode
        );

        // First life: the handler finishes its work (Postgres commit, NAV produced), then the process "dies" before
        // the host can commit the offset.
        var dying = new DiesAfterHandling(processor);
        var first = new KafkaConsumerLoop(dying, pipeline.Kafka, options, NullLogger.Instance);
        first.Start();
        await dying.Handled.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        await first.DisposeAsync();
        Assert.Equal(0, first.CommittedBatches);
        Assert.Equal(1, await pipeline.Database.ScalarAsync<long>("SELECT fills_applied FROM cell_cash"));

        // Second life: the uncommitted fill is delivered again.
        var second = new KafkaConsumerLoop(processor, pipeline.Kafka, options, NullLogger.Instance);
        second.Start();
        await Eventually.WaitForAsync(
            () => Task.FromResult(second.CommittedBatches),
            n => n >= 1,
            TimeSpan.FromSeconds(60),
            "the restarted processor's commit"
        );
        await second.DisposeAsync();

        Assert.Equal(1, await pipeline.Database.ScalarAsync<long>("SELECT fills_applied FROM cell_cash"));
        Assert.Equal(-1_250_000_000, await pipeline.Database.ScalarAsync<long>("SELECT cash_micros FROM cell_cash"));
        Assert.Equal(1, await pipeline.Database.CountAsync("processed_events", "consumer = 'nav-processor'"));
        Assert.Single(
            TopicReader.ReadAll(
                pipeline.Kafka,
                NavProcessor.OutputTopic,
                expected: 2,
                TimeSpan.FromSeconds(20),
                TimeSpan.FromSeconds(1)
            )
        );

        // Downstream, one NAV point.
        var analytics = new KafkaConsumerLoop(
            pipeline.Service<NavAnalyticsConsumer>(),
            pipeline.Kafka,
            options,
            NullLogger.Instance
        );
        analytics.Start();
        var points = await trade_fill_to_nav_slice.WaitForPointsAsync(pipeline, "alpha", "0001", 1);
        await Eventually.WaitForAsync(
            () => Task.FromResult(analytics.CommittedBatches),
            n => n >= 1,
            TimeSpan.FromSeconds(60),
            "analytics commit"
        );
        await analytics.DisposeAsync();
        Assert.Single(points);
        Assert.Equal(1, await pipeline.Database.CountAsync("nav_points"));
    }

    /// <summary>A producer whose process dies while records are in flight: nothing reaches Kafka.</summary>
    private sealed class ProducerThatDies : EnvelopeProducer
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<ProduceOutcome[]> _death = new(
            TaskCreationOptions.RunContinuationsAsynchronously
        );
        public Task Reached => _reached.Task;

        public void Die() => _death.TrySetCanceled();

        public override Task<ProduceOutcome[]> ProduceBatchAsync(
            IReadOnlyList<EventEnvelope> envelopes,
            IReadOnlyList<byte[]>? serialized
        )
        {
            _reached.TrySetResult();
            return _death.Task;
        }
    }

    /// <summary>Runs the real handler, then never returns: the host is stopped before it can commit.</summary>
    private sealed class DiesAfterHandling(IRecordBatchHandler inner) : IRecordBatchHandler
    {
        private readonly TaskCompletionSource _handled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task Handled => _handled.Task;
        public string ConsumerGroup => inner.ConsumerGroup;
        public IReadOnlyList<string> Topics => inner.Topics;

        public async Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
        {
            await inner.HandleAsync(batch, cancellationToken);
            _handled.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }
}
