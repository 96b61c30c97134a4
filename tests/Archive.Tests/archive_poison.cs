using System.Diagnostics;
using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Testing;
using Xunit;
using static PitPlatform.Archive.Tests.ArchiveHarness;

namespace PitPlatform.Archive.Tests;

/// <summary>
/// A record the archive refuses never stops the archiver: through the real consumer loop, broker, Postgres and Blob,
/// behind the guard both hosts use, it is dead-lettered and the records around it are archived once, in one intact
/// chain.
/// </summary>
public sealed class archive_poison(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_record_that_is_no_envelope_is_dead_lettered_and_the_records_around_it_are_archived_once()
    {
        await using var harness = await StartAsync(postgres, kafka, blob);
        // The archive keeps only envelopes (its verifier checks the same rule): bytes produced to an archived topic by
        // something other than the envelope producer are what it refuses.
        var good = Enumerable.Range(0, 10).Select(i => Fill(0, i)).ToList();
        var key = Encoding.UTF8.GetBytes(good[0].Key);
        var before = await ProduceAsync(harness, good.Take(5).ToList());
        var poison = await harness.Producer.ProduceRawAsync(
            Topic,
            key,
            "{\"fill\": \"not an envelope\"}"u8.ToArray(),
            [],
            Ct
        );
        await ProduceAsync(harness, good.Skip(5).ToList());
        var partition = before[0].Partition;
        Assert.Equal(partition, poison.Partition);

        var guard = new ConsumerGuard(
            harness.Archiver,
            harness.DeadLetters,
            ConsumerFailurePolicy.Default,
            NullLogger.Instance
        );
        await using var loop = new KafkaConsumerLoop(
            guard,
            harness.Kafka,
            new ConsumerLoopOptions
            {
                FirstRetryDelay = TimeSpan.FromMilliseconds(100),
                MaxRetryDelay = TimeSpan.FromSeconds(2),
                SessionTimeoutMs = 6_000,
            },
            NullLogger.Instance
        );
        loop.Start();
        await loop.Assigned.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        var clock = Stopwatch.StartNew();
        await Eventually.WaitForAsync(
            async () => (await harness.HeadAsync(partition))?.LastOffset ?? -1,
            last => last >= poison.Offset + 5,
            TimeSpan.FromSeconds(60),
            "the records after the poison archived"
        );

        // The archiver gathers for five seconds (its batch window); a refused record adds no wait.
        Assert.True(
            clock.Elapsed < TimeSpan.FromSeconds(20),
            $"the records after the poison were archived {clock.Elapsed} after the loop got its partitions"
        );
        var head = (await harness.HeadAsync(partition))!;
        Assert.Equal(good.Count, head.Records);
        Assert.True((await harness.Verifier.VerifyAsync(Topic, partition, Ct)).IsIntact);
        var letter = Assert.Single(ReadDeadLetters(harness, expected: 1));
        Assert.Equal("not_envelope", letter.Reason);
        Assert.Equal(poison.Offset, letter.SourceOffset);
        Assert.Equal(Topic, letter.SourceTopic);

        // After the fix: the producer now sends the record as an envelope. Its bytes replayed as they were would be
        // refused again, so the corrected copy is replayed through the dead-letter replayer in place of them; it is
        // archived at its new offset, after the records that followed the poison. (The archive copies the log: each
        // record on the topic is archived, so a second replay would be archived as a record of its own.)
        var corrected = Fill(0, 100);
        var stored = new DeadLetterReader(harness.Kafka, TopicCatalog.Embedded)
            .ReadAll(cancellationToken: Ct)
            .Letters.Single();
        var fixedLetter = stored with
        {
            Letter = new DeadLetter(stored.Letter) { OriginalValue = corrected.ToByteString() },
        };
        var replayed = Assert.Single(
            await new DeadLetterReplayer(harness.Producer, NullLogger<DeadLetterReplayer>.Instance).ReplayAsync(
                [fixedLetter],
                Ct
            )
        );
        await Eventually.WaitForAsync(
            async () => (await harness.HeadAsync(partition))?.LastOffset ?? -1,
            last => last >= replayed.Offset,
            TimeSpan.FromSeconds(60),
            "the replayed record archived"
        );

        Assert.Equal(good.Count + 1, (await harness.HeadAsync(partition))!.Records);
        Assert.True((await harness.Verifier.VerifyAsync(Topic, partition, Ct)).IsIntact);
        Assert.Single(ReadDeadLetters(harness, expected: 1));
    }

    private static async Task<List<ProducedRecord>> ProduceAsync(
        ArchiveHarness harness,
        IReadOnlyList<EventEnvelope> envelopes
    )
    {
        var outcomes = await harness.Producer.ProduceBatchAsync(envelopes);
        Assert.All(outcomes, o => Assert.True(o.IsStored, o.Error?.Message));
        return outcomes.Select(o => o.Record!.Value).ToList();
    }

    private static List<DeadLetter> ReadDeadLetters(ArchiveHarness harness, int expected) =>
        TopicReader
            .ReadAll(harness.Kafka, DeadLetterWriter.Topic, expected, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(1))
            .Select(r => DeadLetter.Parser.ParseFrom(EventEnvelope.Parser.ParseFrom(r.Message.Value).Payload))
            .ToList();
}
