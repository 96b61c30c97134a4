using Azure.Storage.Blobs.Models;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Processing.Archive;
using PitPlatform.Testing;
using Xunit;
using static PitPlatform.Archive.Tests.ArchiveHarness;

namespace PitPlatform.Archive.Tests;

/// <summary>
/// A storage outage delays the archive; it never dead-letters a record or advances a chain past missing blobs.
/// </summary>
public sealed class archive_storage_outage(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_batch_in_a_blob_outage_throws_without_dead_letters_or_a_head_and_succeeds_once_blob_is_back()
    {
        await using var harness = await StartAsync(postgres, kafka, blob);
        var outage = new BlobOutage { Down = true };
        var archiver = harness.ArchiverOn(outage.Container(blob.ConnectionString, harness.Container.Name));
        var batch = Records(0, 0, 4);

        await Assert.ThrowsAnyAsync<Exception>(() => archiver.HandleAsync(batch, Ct));

        Assert.True(outage.Refused > 0);
        Assert.Equal(0, harness.DeadLetters.Written);
        Assert.Null(await harness.HeadAsync(0));

        outage.Down = false;
        await archiver.HandleAsync(batch, Ct);
        Assert.Equal(4, (await harness.HeadAsync(0))!.LastOffset);
        Assert.True((await harness.Verifier.VerifyAsync(Topic, 0, Ct)).IsIntact);
    }

    [Fact]
    public async Task the_consumer_loop_retries_through_a_blob_outage_until_every_record_is_archived()
    {
        await using var harness = await StartAsync(postgres, kafka, blob);
        var outage = new BlobOutage { Down = true };
        var archiver = harness.ArchiverOn(outage.Container(blob.ConnectionString, harness.Container.Name));
        var fills = Enumerable.Range(0, 20).Select(i => Fill(0, i)).ToList();
        foreach (var fill in fills)
            await harness.Producer.ProduceAsync(fill, Ct);

        var options = new ConsumerLoopOptions
        {
            FirstRetryDelay = TimeSpan.FromMilliseconds(50),
            MaxRetryDelay = TimeSpan.FromMilliseconds(400),
            SessionTimeoutMs = 6000,
        };
        await using (var loop = new KafkaConsumerLoop(archiver, harness.Kafka, options, NullLogger.Instance))
        {
            loop.Start();
            await Eventually.WaitForAsync(
                () => Task.FromResult(outage.Refused),
                n => n >= 6,
                TimeSpan.FromSeconds(60),
                "several attempts during the outage"
            );
            Assert.Equal(0, loop.CommittedBatches);
            outage.Down = false;
            await Eventually.WaitForAsync(
                () => ArchivedRecordsAsync(harness),
                n => n >= fills.Count,
                TimeSpan.FromSeconds(60),
                "every record archived"
            );
        }

        Assert.Equal(0, harness.DeadLetters.Written);
        var verification = await harness.Verifier.VerifyAsync(Topic, null, Ct);
        Assert.True(verification.IsIntact, verification.FirstBroken?.Summary);
        var archived = new List<byte[]>();
        foreach (var chain in verification.Chains)
        await foreach (
            var item in harness.Container.GetBlobsAsync(
                BlobTraits.None,
                BlobStates.None,
                ArchiveNames.PartitionPrefix(Topic, chain.Partition),
                cancellationToken: Ct
            )
        )
            if (!item.Name.EndsWith(ArchiveNames.ManifestSuffix, StringComparison.Ordinal))
                archived.AddRange(ArchiveRangeFile.Decode(await harness.ReadAsync(item.Name)).Select(v => v.ToArray()));
        Assert.Equal(
            fills.Select(f => f.ToByteArray()).OrderBy(Convert.ToHexString),
            archived.OrderBy(Convert.ToHexString)
        );
    }

    private static async Task<long> ArchivedRecordsAsync(ArchiveHarness harness) =>
        (await ArchiveChainStore.ReadAllAsync(harness.Database.DataSource, Topic, null, CancellationToken.None)).Sum(
            h => h.Records
        );
}
