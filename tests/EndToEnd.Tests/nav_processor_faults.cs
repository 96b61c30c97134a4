using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Keys;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.LocalHost.Embedded;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Processing.Nav;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.EndToEnd.Tests;

/// <summary>
/// The NAV processor under faults, through real consumer loops on a real broker and Postgres. Each test ends with the
/// exact state its fills must leave (<see cref="FillScenario.AssertExactStateAsync"/>): no fill lost, none applied
/// twice.
/// </summary>
public sealed class nav_processor_faults(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ConsumerLoopOptions FastRetries = new()
    {
        MaxBatchSize = 200,
        FirstRetryDelay = TimeSpan.FromMilliseconds(100),
        MaxRetryDelay = TimeSpan.FromSeconds(2),
        SessionTimeoutMs = 6_000,
    };

    [Fact]
    public async Task postgres_restarted_in_the_middle_of_a_batch_loses_and_doubles_nothing()
    {
        var directory = Path.Combine(
            Path.GetTempPath(),
            "pit-tests",
            "pg-restart-" + Guid.NewGuid().ToString("N")[..8]
        );
        await using var server = await PostgresServer.StartAsync(directory, fresh: true, durable: false, Ct);
        try
        {
            var database = new TestDatabase(
                "public",
                server.ConnectionString,
                NpgsqlDataSource.Create(server.ConnectionString)
            );
            await using var pipeline = await TestPipeline.StartAsync(database, kafka, blob, runConsumers: false);
            var scenario = new FillScenario(3_000);
            await scenario.ProduceAsync(pipeline.Kafka);

            var restarting = new RestartsPostgresDuringBatch(pipeline.Service<NavProcessor>(), server, atBatch: 3);
            await using (var loop = new KafkaConsumerLoop(restarting, pipeline.Kafka, FastRetries, NullLogger.Instance))
            {
                loop.Start();
                await scenario.WaitUntilAppliedAsync(database, TimeSpan.FromSeconds(120));
            }

            Assert.True(restarting.Failures > 0, "the interrupted batch failed and was retried");
            await scenario.AssertExactStateAsync(database, pipeline.Kafka);
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task the_partition_leader_down_for_ten_seconds_delays_but_loses_and_doubles_nothing()
    {
        // Checked before starting: on an external broker or a container there is no mock to inject faults into.
        Assert.SkipUnless(KafkaFixture.StartsMock, "needs the embedded mock cluster for fault injection");
        var privateKafka = new KafkaFixture();
        await privateKafka.InitializeAsync();
        try
        {
            await using var pipeline = await TestPipeline.StartAsync(
                await postgres.CreateDatabaseAsync(migrate: false),
                privateKafka,
                blob,
                runConsumers: false
            );
            var input = pipeline.Naming.Topic(NavProcessor.InputTopic);
            const int leader = 2;
            for (var p = 0; p < TopicCatalog.Embedded.Require(NavProcessor.InputTopic).Partitions; p++)
                privateKafka.Mock!.SetPartitionLeader(input, p, leader);
            var scenario = new FillScenario(4_000);
            await scenario.ProduceAsync(pipeline.Kafka);

            var slow = new SlowHandler(pipeline.Service<NavProcessor>(), TimeSpan.FromMilliseconds(20));
            await using (var loop = new KafkaConsumerLoop(slow, pipeline.Kafka, FastRetries, NullLogger.Instance))
            {
                loop.Start();
                await Eventually.WaitForAsync(
                    () => pipeline.Database.CountAsync("processed_events", "consumer = 'nav-processor'"),
                    n => n >= 400,
                    TimeSpan.FromSeconds(60),
                    "some fills applied"
                );
                privateKafka.Mock!.SetBrokerDown(leader);
                var appliedWhenDown = await pipeline.Database.CountAsync(
                    "processed_events",
                    "consumer = 'nav-processor'"
                );
                await Task.Delay(TimeSpan.FromSeconds(10), Ct);
                privateKafka.Mock.SetBrokerUp(leader);
                Assert.True(appliedWhenDown < scenario.Count, "the outage began before the end");
                await scenario.WaitUntilAppliedAsync(pipeline.Database, TimeSpan.FromSeconds(120));
            }

            await scenario.AssertExactStateAsync(pipeline.Database, pipeline.Kafka);
        }
        finally
        {
            await privateKafka.DisposeAsync();
        }
    }

    [Fact]
    public async Task a_second_consumer_joining_mid_batch_loses_and_doubles_nothing()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        var scenario = new FillScenario(4_000);
        // Half the fills before the second consumer joins, half once it holds partitions, so both have work
        // however quickly the first drains its share.
        await FillScenario.ProduceAsync(pipeline.Kafka, scenario.Fills.Take(2_000));
        var processor = pipeline.Service<NavProcessor>();

        var first = new HoldsOneBatch(processor, atBatch: 3);
        var second = new SlowHandler(processor, TimeSpan.FromMilliseconds(40));
        await using var a = new KafkaConsumerLoop(first, pipeline.Kafka, FastRetries, NullLogger.Instance);
        await using var b = new KafkaConsumerLoop(second, pipeline.Kafka, FastRetries, NullLogger.Instance);
        a.Start();
        await first.Holding.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        b.Start();
        // The first consumer finishes its batch while the group rebalances around it.
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        first.Release();
        await b.Assigned.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        await FillScenario.ProduceAsync(pipeline.Kafka, scenario.Fills.Skip(2_000));
        await scenario.WaitUntilAppliedAsync(pipeline.Database, TimeSpan.FromSeconds(120));
        await Eventually.WaitForAsync(
            () => Task.FromResult(second.Batches),
            n => n > 0,
            TimeSpan.FromSeconds(60),
            "the second consumer to get partitions"
        );

        await scenario.AssertExactStateAsync(pipeline.Database, pipeline.Kafka);
    }

    [Fact]
    public async Task a_poison_record_in_the_middle_of_a_partition_is_dead_lettered_and_its_neighbours_applied()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        var scenario = new FillScenario(10, cells: 1);
        var poison = new EnvelopeBuilder(TopicCatalog.Embedded, "scenario/1.0").Build(
            Guid.NewGuid(),
            DateTimeOffset.UtcNow,
            NavProcessor.InputTopic,
            CanonicalKey.ForCell("demo", "faults", "c00"),
            new TradeFillEvent
            {
                Instrument = "ACME",
                Side = TradeSide.Buy,
                Quantity = 0,
                PriceMicros = 1,
                Currency = "USD",
            }
        );
        await FillScenario.ProduceAsync(
            pipeline.Kafka,
            scenario.Fills.Take(5).Append(poison).Concat(scenario.Fills.Skip(5))
        );

        await using (
            var loop = new KafkaConsumerLoop(
                pipeline.Service<NavProcessor>(),
                pipeline.Kafka,
                FastRetries,
                NullLogger.Instance
            )
        )
        {
            loop.Start();
            await scenario.WaitUntilAppliedAsync(pipeline.Database, TimeSpan.FromSeconds(60));
        }

        await scenario.AssertExactStateAsync(pipeline.Database, pipeline.Kafka);
        var letter = DeadLetter.Parser.ParseFrom(
            EventEnvelope
                .Parser.ParseFrom(
                    Assert
                        .Single(
                            TopicReader.ReadAll(
                                pipeline.Kafka,
                                DeadLetterWriter.Topic,
                                expected: 2,
                                TimeSpan.FromSeconds(20),
                                TimeSpan.FromSeconds(1)
                            )
                        )
                        .Message.Value
                )
                .Payload
        );
        Assert.Equal(DeadLetterReason.InvalidPayload, letter.Reason);
        Assert.Equal(5, letter.SourceOffset);
        Assert.Equal(poison.ToByteArray(), letter.OriginalValue.ToByteArray());
    }

    [Fact]
    public async Task the_same_ten_thousand_fills_delivered_twice_are_applied_and_charted_once()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        var scenario = new FillScenario(10_000);
        await scenario.ProduceAsync(pipeline.Kafka);
        await scenario.ProduceAsync(pipeline.Kafka);

        await using (
            var processor = new KafkaConsumerLoop(
                pipeline.Service<NavProcessor>(),
                pipeline.Kafka,
                new ConsumerLoopOptions { MaxBatchSize = 1_000 },
                NullLogger.Instance
            )
        )
        await using (
            var analytics = new KafkaConsumerLoop(
                pipeline.Service<NavAnalyticsConsumer>(),
                pipeline.Kafka,
                new ConsumerLoopOptions { MaxBatchSize = 1_000 },
                NullLogger.Instance
            )
        )
        {
            processor.Start();
            analytics.Start();
            await scenario.WaitUntilAppliedAsync(pipeline.Database, TimeSpan.FromSeconds(120));
            await Eventually.WaitForAsync(
                () => pipeline.Database.CountAsync("nav_points"),
                n => n >= 10_000,
                TimeSpan.FromSeconds(120),
                "10,000 NAV points"
            );
            // Both copies of every fill have been read once the processor's consumed offsets reach the end.
            await Eventually.WaitForAsync(
                () =>
                    pipeline.Database.ScalarAsync<long>(
                        "SELECT coalesce(sum(handled_through + 1), 0)::bigint FROM consumer_watermarks"
                    ),
                n => n >= 20_000,
                TimeSpan.FromSeconds(120),
                "both copies handled"
            );
        }

        await scenario.AssertExactStateAsync(pipeline.Database, pipeline.Kafka);
        Assert.Equal(10_000, await pipeline.Database.CountAsync("nav_points"));
    }

    /// <summary>Stops Postgres as a crash would just as one batch starts, and starts it again a second later.</summary>
    private sealed class RestartsPostgresDuringBatch(IRecordBatchHandler inner, PostgresServer server, int atBatch)
        : IRecordBatchHandler
    {
        private int _batches;
        public int Failures { get; private set; }
        public string ConsumerGroup => inner.ConsumerGroup;
        public IReadOnlyList<string> Topics => inner.Topics;

        public async Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
        {
            if (++_batches != atBatch)
            {
                await inner.HandleAsync(batch, cancellationToken);
                return;
            }
            // The server goes down as the batch starts and comes back a second later, while the handler works on it:
            // stopping it only after the handler started raced with small batches that committed first. Not
            // cancellable: the server must come back whatever the loop does meanwhile.
            await server.StopAsync(immediate: true, CancellationToken.None);
            var restart = Task.Run(
                async () =>
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
                    await server.RestartAsync(CancellationToken.None);
                },
                CancellationToken.None
            );
            try
            {
                await inner.HandleAsync(batch, cancellationToken);
            }
            catch (Exception)
            {
                Failures++;
                await restart;
                throw;
            }
            await restart;
        }
    }

    /// <summary>Holds one batch until released, so another consumer can join the group meanwhile.</summary>
    private sealed class HoldsOneBatch(IRecordBatchHandler inner, int atBatch) : IRecordBatchHandler
    {
        private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _batches;
        public Task Holding => _holding.Task;

        public void Release() => _released.TrySetResult();

        public string ConsumerGroup => inner.ConsumerGroup;
        public IReadOnlyList<string> Topics => inner.Topics;

        public async Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
        {
            if (++_batches == atBatch)
            {
                _holding.TrySetResult();
                await _released.Task.WaitAsync(cancellationToken);
            }
            await inner.HandleAsync(batch, cancellationToken);
            await Task.Delay(TimeSpan.FromMilliseconds(40), cancellationToken);
        }
    }

    /// <summary>The real handler, a little slower, so a fault lands while records are still flowing.</summary>
    private sealed class SlowHandler(IRecordBatchHandler inner, TimeSpan pause) : IRecordBatchHandler
    {
        private int _batches;
        public int Batches => Volatile.Read(ref _batches);
        public string ConsumerGroup => inner.ConsumerGroup;
        public IReadOnlyList<string> Topics => inner.Topics;

        public async Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
        {
            await inner.HandleAsync(batch, cancellationToken);
            Interlocked.Increment(ref _batches);
            await Task.Delay(pause, cancellationToken);
        }
    }
}
