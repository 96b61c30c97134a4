using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Keys;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Processing.Archive;
using PitPlatform.Testing;
using Xunit;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace PitPlatform.Archive.Tests;

/// <summary>
/// Tombstones on the compacted usage topic (a deletion's key with a null value) are not events: the archiver leaves
/// them out without dead-lettering them and commits past them.
/// </summary>
public sealed class archive_tombstones(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private const string UsageTopic = "pit.v1.acct.usage";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly EnvelopeBuilder Envelopes = new(TopicCatalog.Embedded, "test/1.0");

    [Fact]
    public async Task tombstones_are_skipped_without_dead_letters_and_committed_past()
    {
        await using var harness = await ArchiveHarness.StartAsync(postgres, kafka, blob);
        var key = CanonicalKey.ForCell("demo", "alpha", "c1");
        // Offsets 0..3 of one partition: usage, its deletion's tombstone, usage again, and a tombstone last, so the
        // batch ends on a record that is not archived.
        var first = await harness.Producer.ProduceAsync(Usage(key, 1), Ct);
        var tombstone = await harness.Producer.ProduceTombstoneAsync(UsageTopic, key.ToString(), Ct);
        var second = await harness.Producer.ProduceAsync(Usage(key, 2), Ct);
        var last = await harness.Producer.ProduceTombstoneAsync(UsageTopic, key.ToString(), Ct);
        var partition = first.Partition;
        Assert.All(new[] { tombstone, second, last }, r => Assert.Equal(partition, r.Partition));
        Assert.Equal([0L, 1L, 2L, 3L], new[] { first.Offset, tombstone.Offset, second.Offset, last.Offset });

        await using (
            var loop = new KafkaConsumerLoop(
                harness.Archiver,
                harness.Kafka,
                new ConsumerLoopOptions { MaxBatchWait = TimeSpan.FromSeconds(1), FetchWaitMaxMs = 50 },
                NullLogger.Instance
            )
        )
        {
            loop.Start();
            await Eventually.WaitForAsync(
                () => Task.FromResult(Committed(harness.Kafka, partition)),
                c => c == 4,
                TimeSpan.FromSeconds(60),
                "the archiver's offset committed past the last tombstone"
            );
        }

        Assert.Equal(0, harness.DeadLetters.Written);
        var heads = await ArchiveChainStore.ReadAllAsync(harness.Database.DataSource, UsageTopic, partition, Ct);
        var head = Assert.Single(heads);
        Assert.Equal(2, head.LastOffset);
        Assert.Equal(2, head.Records);
        var verification = await harness.Verifier.VerifyAsync(UsageTopic, partition, Ct);
        Assert.True(verification.IsIntact, verification.FirstBroken?.Summary);
    }

    private static Contracts.Envelope.V1.EventEnvelope Usage(CanonicalKey key, long value) =>
        Envelopes.Build(
            Guid.NewGuid(),
            ArchiveHarness.Epoch.AddMinutes(value),
            UsageTopic,
            key,
            new UsageRecorded
            {
                Meter = "events",
                Value = value,
                PeriodStart = Timestamp.FromDateTimeOffset(ArchiveHarness.Epoch),
                PeriodEnd = Timestamp.FromDateTimeOffset(ArchiveHarness.Epoch.AddHours(1)),
                StripeCustomerId = "cus_test",
                Identifier = $"usage-{value}",
            }
        );

    /// <summary>The archiver group's committed offset of the partition (-1 while none).</summary>
    private static long Committed(KafkaSettings settings, int partition)
    {
        KafkaNativeLibrary.EnsureResolver();
        var naming = new KafkaNaming(settings.Prefix);
        var config = new ConsumerConfig { GroupId = naming.Group(Archiver.Group), EnableAutoCommit = false };
        settings.Apply(config);
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        var committed = consumer.Committed(
            [new TopicPartition(naming.Topic(UsageTopic), partition)],
            TimeSpan.FromSeconds(5)
        );
        return committed.Single().Offset.Value;
    }
}
