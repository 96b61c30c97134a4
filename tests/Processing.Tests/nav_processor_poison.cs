using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Infrastructure.Postgres;
using PitPlatform.LocalHost.Embedded;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Processing.Nav;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Processing.Tests;

/// <summary>
/// A record the NAV processor's store refuses, or that fails it in a way nobody classified, never stops its partition:
/// through the real consumer loop, broker and Postgres, behind the <see cref="ConsumerGuard"/> both hosts use, the
/// record is dead-lettered with its reason and the fills around it are applied once; an outage is waited out instead.
/// </summary>
public sealed class nav_processor_poison(PostgresFixture postgres, KafkaFixture kafka)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ConsumerLoopOptions Loop = new()
    {
        MaxBatchSize = 50,
        FirstRetryDelay = TimeSpan.FromMilliseconds(100),
        MaxRetryDelay = TimeSpan.FromSeconds(2),
        SessionTimeoutMs = 6_000,
    };

    /// <summary>
    /// A permanent failure waits for nothing: what the good fills need beyond their own work is the splitting.
    /// </summary>
    private static readonly TimeSpan PermanentBound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task a_fill_postgres_refuses_is_dead_lettered_and_the_fills_around_it_are_applied_once()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        // Cell 0001's fills surround the poison, cell 0002's are interleaved with them; the poison is a fill the event
        // schema allows and Postgres refuses (a NUL in a text column: 22021), produced straight to the topic.
        var good = new List<EventEnvelope>();
        var all = new List<EventEnvelope>();
        for (var i = 0; i < 10; i++)
        {
            var a = harness.FillEnvelope(Guid.NewGuid(), quantity: 1 + i, price: 1_000_000 + i * 10_000, cell: "0001");
            var b = harness.FillEnvelope(Guid.NewGuid(), quantity: 2 + i, price: 2_000_000, cell: "0002");
            good.AddRange([a, b]);
            all.AddRange([a, b]);
        }
        var poison = harness.FillEnvelope(Guid.NewGuid(), quantity: 1_000, cell: "0001", instrument: "AC\u0000ME");
        all.Insert(9, poison);
        await ProduceAsync(harness, all);

        var elapsed = await RunUntilAppliedAsync(harness, harness.Guard(), good.Count);

        Assert.True(
            elapsed < PermanentBound,
            $"the fills after the poison were applied {elapsed} after the loop got its partitions"
        );
        var letter = Assert.Single(DeadLetters(harness, expected: 1));
        Assert.Equal(DeadLetterReason.StoreRefused, letter.Reason);
        Assert.StartsWith("sqlstate 22021:", letter.Error, StringComparison.Ordinal);
        Assert.Equal(NavProcessor.Group, letter.ConsumerGroup);
        Assert.Equal(poison.ToByteArray(), letter.OriginalValue.ToByteArray());
        // Each good fill applied once, the poison not at all.
        Assert.Equal(good.Count, await harness.Database.CountAsync("processed_events", "consumer = 'nav-processor'"));
        Assert.Equal(
            10,
            await harness.Database.ScalarAsync<long>("SELECT fills_applied FROM cell_cash WHERE cell = '0001'")
        );
        Assert.Equal(
            10,
            await harness.Database.ScalarAsync<long>("SELECT fills_applied FROM cell_cash WHERE cell = '0002'")
        );
        Assert.Equal(
            55,
            await harness.Database.ScalarAsync<long>("SELECT quantity FROM cell_positions WHERE cell = '0001'")
        );
        Assert.Equal(1, await harness.Database.CountAsync("cell_positions", "cell = '0001'"));
        // One NAV update per good fill and none for the poison, each computed without it: a small group whose write
        // Postgres might refuse does not emit its updates before the write.
        var updates = NavUpdates(harness, expected: good.Count);
        Assert.Equal(good.Count, updates.Count);
        Assert.DoesNotContain(updates, u => u.SourceEventId == poison.EventId);
        foreach (var cell in new[] { "0001", "0002" })
        {
            var ofCell = updates.Where(u => good.Single(g => g.EventId == u.SourceEventId).Cell == cell).ToList();
            Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), ofCell.Select(u => u.FillsApplied).Order());
            Assert.Equal(
                await harness.Database.ScalarAsync<long>($"SELECT cash_micros FROM cell_cash WHERE cell = '{cell}'"),
                ofCell.MaxBy(u => u.FillsApplied)!.CashMicros
            );
        }
    }

    [Fact]
    public async Task a_fill_refused_until_its_store_is_fixed_is_applied_once_when_its_letter_is_replayed()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        // A store whose rule was wrong: instruments of up to 8 characters. The fix is a migration that drops the rule;
        // the letter's bytes are then replayed as they are, which is what `./pit dlq replay` does.
        await harness.Database.ExecuteAsync(
            "ALTER TABLE cell_positions ADD CONSTRAINT instrument_is_short CHECK (length(instrument) <= 8)"
        );
        var refused = harness.FillEnvelope(Guid.NewGuid(), quantity: 2, instrument: "BRK.A-CLASS-2026");
        await ProduceAsync(
            harness,
            [
                harness.FillEnvelope(Guid.NewGuid(), quantity: 1),
                refused,
                harness.FillEnvelope(Guid.NewGuid(), quantity: 3),
            ]
        );

        await using var loop = new KafkaConsumerLoop(harness.Guard(), harness.Kafka, Loop, NullLogger.Instance);
        loop.Start();
        await WaitForProcessedAsync(harness, 2);
        var letter = Assert.Single(DeadLetters(harness, expected: 1));
        Assert.Equal(DeadLetterReason.StoreRefused, letter.Reason);
        Assert.StartsWith("sqlstate 23514:", letter.Error, StringComparison.Ordinal);
        Assert.Contains("instrument_is_short", letter.Error, StringComparison.Ordinal);

        await harness.Database.ExecuteAsync("ALTER TABLE cell_positions DROP CONSTRAINT instrument_is_short");
        var replayer = new DeadLetterReplayer(harness.Producer, NullLogger<DeadLetterReplayer>.Instance);
        var chosen = new DeadLetterReader(harness.Kafka, TopicCatalog.Embedded)
            .ReadAll(cancellationToken: Ct)
            .Letters.Where(new DeadLetterFilter(Reason: DeadLetterReason.StoreRefused).Matches)
            .ToList();
        await replayer.ReplayAsync(chosen, Ct);
        await WaitForProcessedAsync(harness, 3);
        // A second replay changes nothing: a later fill of the same cell (same partition) is read after it.
        await replayer.ReplayAsync(chosen, Ct);
        await ProduceAsync(harness, [harness.FillEnvelope(Guid.NewGuid(), quantity: 4)]);
        await WaitForProcessedAsync(harness, 4);

        Assert.Equal(4, await harness.Database.ScalarAsync<long>("SELECT fills_applied FROM cell_cash"));
        Assert.Equal(
            2,
            await harness.Database.ScalarAsync<long>(
                "SELECT quantity FROM cell_positions WHERE instrument = 'BRK.A-CLASS-2026'"
            )
        );
        Assert.Equal(
            8,
            await harness.Database.ScalarAsync<long>("SELECT quantity FROM cell_positions WHERE instrument = 'ACME'")
        );
        Assert.Single(DeadLetters(harness, expected: 1));
    }

    [Fact]
    public async Task a_fill_failing_in_an_unknown_way_is_dead_lettered_after_five_attempts_alone()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        // A timestamp past year 9999 passes envelope validation but cannot be converted when the NAV update is built:
        // an InvalidOperationException, which no rule classifies.
        var unreadable = harness.FillEnvelope(Guid.NewGuid(), quantity: 5);
        unreadable.Ts = new Timestamp { Seconds = 253_402_300_800 + 86_400 };
        var batch = new[]
        {
            harness.Record(harness.FillEnvelope(Guid.NewGuid(), quantity: 1)),
            harness.Record(harness.FillEnvelope(Guid.NewGuid(), quantity: 2)),
            harness.Record(unreadable),
            harness.Record(harness.FillEnvelope(Guid.NewGuid(), quantity: 3)),
        };
        var counting = new CountingHandler(harness.Processor, batch[2].Offset);
        var policy = new ConsumerFailurePolicy
        {
            MaxUnknownAttempts = 5,
            FirstRetryDelay = TimeSpan.FromMilliseconds(100),
        };

        var clock = Stopwatch.StartNew();
        await harness.Guard(policy, counting).HandleAsync(batch, Ct);
        clock.Stop();

        Assert.Equal(5, counting.AloneAttempts);
        // 100 + 200 + 400 + 800 ms of backoff between the five attempts, and not much more.
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(1_500), TimeSpan.FromSeconds(10));
        var letter = Assert.Single(DeadLetters(harness, expected: 1));
        Assert.Equal(DeadLetterReason.UnknownFailure, letter.Reason);
        Assert.Contains("System.InvalidOperationException", letter.Error, StringComparison.Ordinal);
        Assert.Contains("failed alone 5 times", letter.Error, StringComparison.Ordinal);
        Assert.Equal(batch[2].Offset, letter.SourceOffset);
        Assert.Equal(3, await harness.Database.ScalarAsync<long>("SELECT fills_applied FROM cell_cash"));
        Assert.Equal(6, await harness.Database.ScalarAsync<long>("SELECT quantity FROM cell_positions"));
    }

    [Fact]
    public async Task postgres_stopped_and_restarted_is_waited_out_and_nothing_is_dead_lettered()
    {
        var directory = Path.Combine(Path.GetTempPath(), "pit-tests", "pg-guard-" + Guid.NewGuid().ToString("N")[..8]);
        await using var server = await PostgresServer.StartAsync(directory, fresh: true, durable: false, Ct);
        try
        {
            var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
            await PostgresMigrator.MigrateAsync(dataSource, Ct);
            await using var harness = await ProcessorHarness.StartAsync(
                new TestDatabase("public", server.ConnectionString, dataSource),
                kafka
            );
            var fills = Enumerable
                .Range(0, 200)
                .Select(i => harness.FillEnvelope(Guid.NewGuid(), quantity: 1, cell: $"{i % 5:0000}"))
                .ToList();
            await ProduceAsync(harness, fills);

            // Postgres goes down as the third batch starts and comes back two seconds later: longer than any unknown
            // failure's attempts would take, so a misclassified outage would dead-letter fills.
            var outage = new StopsPostgresAtBatch(harness.Processor, server, atBatch: 3, TimeSpan.FromSeconds(2));
            await using (
                var loop = new KafkaConsumerLoop(
                    harness.Guard(inner: outage),
                    harness.Kafka,
                    Loop with
                    {
                        MaxBatchSize = 20,
                    },
                    NullLogger.Instance
                )
            )
            {
                loop.Start();
                await WaitForProcessedAsync(harness, fills.Count, TimeSpan.FromSeconds(90));
            }
            await outage.Restarted;

            Assert.True(outage.Failures > 0, "the batch during the outage failed and was retried");
            Assert.Equal(
                fills.Count,
                await harness.Database.CountAsync("processed_events", "consumer = 'nav-processor'")
            );
            Assert.Equal(
                fills.Count,
                await harness.Database.ScalarAsync<long>("SELECT sum(fills_applied)::bigint FROM cell_cash")
            );
            Assert.Empty(DeadLetters(harness, expected: 1, TimeSpan.FromSeconds(3)));
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task ProduceAsync(ProcessorHarness harness, IReadOnlyList<EventEnvelope> envelopes)
    {
        var outcomes = await harness.Producer.ProduceBatchAsync(envelopes);
        Assert.All(outcomes, o => Assert.True(o.IsStored, o.Error?.Message));
    }

    /// <summary>
    /// Runs a loop over <paramref name="handler"/> until <paramref name="fills"/> are processed; the time from its
    /// assignment.
    /// </summary>
    private static async Task<TimeSpan> RunUntilAppliedAsync(
        ProcessorHarness harness,
        IRecordBatchHandler handler,
        int fills
    )
    {
        await using var loop = new KafkaConsumerLoop(handler, harness.Kafka, Loop, NullLogger.Instance);
        loop.Start();
        await loop.Assigned.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        var clock = Stopwatch.StartNew();
        await WaitForProcessedAsync(harness, fills);
        return clock.Elapsed;
    }

    private static Task WaitForProcessedAsync(ProcessorHarness harness, int count, TimeSpan? timeout = null) =>
        Eventually.WaitForAsync(
            async () =>
            {
                try
                {
                    return await harness.Database.CountAsync("processed_events", "consumer = 'nav-processor'");
                }
                catch (NpgsqlException)
                {
                    return -1;
                }
            },
            n => n >= count,
            timeout ?? TimeSpan.FromSeconds(60),
            $"{count} processed fills"
        );

    private static List<DeadLetter> DeadLetters(ProcessorHarness harness, int expected, TimeSpan? timeout = null) =>
        TopicReader
            .ReadAll(
                harness.Kafka,
                DeadLetterWriter.Topic,
                expected,
                timeout ?? TimeSpan.FromSeconds(20),
                TimeSpan.FromSeconds(1)
            )
            .Select(r => DeadLetter.Parser.ParseFrom(EventEnvelope.Parser.ParseFrom(r.Message.Value).Payload))
            .ToList();

    private static List<NAVUpdateEvent> NavUpdates(ProcessorHarness harness, int expected) =>
        TopicReader
            .ReadAll(
                harness.Kafka,
                NavProcessor.OutputTopic,
                expected,
                TimeSpan.FromSeconds(20),
                TimeSpan.FromSeconds(1)
            )
            .Select(r => NAVUpdateEvent.Parser.ParseFrom(EventEnvelope.Parser.ParseFrom(r.Message.Value).Payload))
            .ToList();

    /// <summary>The real processor, counting the batches in which one record was handed over alone.</summary>
    private sealed class CountingHandler(IRecordBatchHandler inner, long offset) : IRecordBatchHandler
    {
        private int _alone;
        public int AloneAttempts => Volatile.Read(ref _alone);
        public string ConsumerGroup => inner.ConsumerGroup;
        public IReadOnlyList<string> Topics => inner.Topics;

        public Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
        {
            if (batch.Count == 1 && batch[0].Offset == offset)
                Interlocked.Increment(ref _alone);
            return inner.HandleAsync(batch, cancellationToken);
        }
    }

    /// <summary>
    /// Stops Postgres as a crash would just as one batch starts, and starts it again after <paramref name="down"/>.
    /// </summary>
    private sealed class StopsPostgresAtBatch(
        IRecordBatchHandler inner,
        PostgresServer server,
        int atBatch,
        TimeSpan down
    ) : IRecordBatchHandler
    {
        private int _batches;
        private Task? _restart;
        public int Failures { get; private set; }
        public Task Restarted => _restart ?? Task.CompletedTask;
        public string ConsumerGroup => inner.ConsumerGroup;
        public IReadOnlyList<string> Topics => inner.Topics;

        public async Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
        {
            if (++_batches == atBatch)
            {
                // Not cancellable: the server must come back whatever the loop does meanwhile.
                await server.StopAsync(immediate: true, CancellationToken.None);
                _restart = Task.Run(
                    async () =>
                    {
                        await Task.Delay(down, CancellationToken.None);
                        await server.RestartAsync(CancellationToken.None);
                    },
                    CancellationToken.None
                );
            }
            try
            {
                await inner.HandleAsync(batch, cancellationToken);
            }
            catch (Exception)
            {
                Failures++;
                throw;
            }
        }
    }
}
