using PitPlatform.Processing.Archive;
using PitPlatform.Testing;
using Xunit;
using static PitPlatform.Archive.Tests.ArchiveHarness;

namespace PitPlatform.Archive.Tests;

/// <summary>Kafka redelivers; the archive neither duplicates nor rewrites what it holds.</summary>
public sealed class archive_redelivery(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_redelivered_batch_is_a_no_op_that_leaves_every_blob_untouched()
    {
        await using var harness = await StartAsync(postgres, kafka, blob);
        var batch = Records(0, 0, 9);
        await harness.Archiver.HandleAsync(batch, Ct);
        var before = await harness.SnapshotAsync();
        var head = await harness.HeadAsync(0);

        await harness.Archiver.HandleAsync(batch, Ct);

        Assert.Equal(before, await harness.SnapshotAsync());
        Assert.Equal(head, await harness.HeadAsync(0));
    }

    [Fact]
    public async Task a_batch_that_starts_inside_an_archived_range_archives_only_what_follows_it()
    {
        await using var harness = await StartAsync(postgres, kafka, blob);
        await harness.Archiver.HandleAsync(Records(0, 0, 4), Ct);

        await harness.Archiver.HandleAsync(Records(0, 2, 8), Ct);

        var names = (await harness.SnapshotAsync())
            .Select(b => b.Name)
            .Where(n => !n.EndsWith(ArchiveNames.ManifestSuffix, StringComparison.Ordinal));
        Assert.Equal([ArchiveNames.Range(Topic, 0, 0, 4), ArchiveNames.Range(Topic, 0, 5, 8)], names);
        Assert.Equal(9, (await harness.HeadAsync(0))!.Records);
        Assert.True((await harness.Verifier.VerifyAsync(Topic, 0, Ct)).IsIntact);
    }

    [Fact]
    public async Task re_archiving_blobs_whose_head_never_advanced_yields_the_same_names_and_bytes()
    {
        await using var first = await StartAsync(postgres, kafka, blob);
        await first.Archiver.HandleAsync(Records(0, 0, 4), Ct);
        await first.Archiver.HandleAsync(Records(0, 5, 9), Ct);
        var before = await first.SnapshotAsync();

        // A second Postgres with no head over the same container: the state after blobs were written and the head lost.
        await using var second = await StartAsync(postgres, kafka, blob, first.Container);
        await second.Archiver.HandleAsync(Records(0, 0, 4), Ct);
        await second.Archiver.HandleAsync(Records(0, 5, 9), Ct);

        Assert.Equal(before, await second.SnapshotAsync());
        Assert.Equal(await first.HeadAsync(0), await second.HeadAsync(0));
    }

    [Fact]
    public async Task other_bytes_under_an_archived_name_are_an_alarm_not_an_overwrite()
    {
        await using var first = await StartAsync(postgres, kafka, blob);
        await first.Archiver.HandleAsync(Records(0, 0, 4), Ct);
        var before = await first.SnapshotAsync();

        await using var second = await StartAsync(postgres, kafka, blob, first.Container);
        var altered = Records(0, 0, 4).Select((r, i) => i == 2 ? Record(0, r.Offset, quantity: 11) : r).ToList();
        var conflict = await Assert.ThrowsAsync<ArchiveConflictException>(() =>
            second.Archiver.HandleAsync(altered, Ct)
        );

        Assert.Equal(ArchiveNames.Range(Topic, 0, 0, 4), conflict.BlobName);
        Assert.Equal(before, await second.SnapshotAsync());
        Assert.Null(await second.HeadAsync(0));
    }

    [Fact]
    public async Task a_range_left_past_the_head_is_replaced_when_its_records_return_with_other_boundaries()
    {
        await using var interrupted = await StartAsync(postgres, kafka, blob);
        await interrupted.Archiver.HandleAsync(Records(0, 0, 9), Ct);

        // Same container, no head: the batch comes back cut at another place.
        await using var resumed = await StartAsync(postgres, kafka, blob, interrupted.Container);
        await resumed.Archiver.HandleAsync(Records(0, 0, 5), Ct);
        await resumed.Archiver.HandleAsync(Records(0, 6, 9), Ct);

        var names = (await resumed.SnapshotAsync())
            .Select(b => b.Name)
            .Where(n => !n.EndsWith(ArchiveNames.ManifestSuffix, StringComparison.Ordinal));
        Assert.Equal([ArchiveNames.Range(Topic, 0, 0, 5), ArchiveNames.Range(Topic, 0, 6, 9)], names);
        var verification = await resumed.Verifier.VerifyAsync(Topic, 0, Ct);
        Assert.True(verification.IsIntact, verification.FirstBroken?.Summary);
    }

    [Fact]
    public async Task a_manifest_left_without_its_range_file_is_completed_when_the_batch_returns()
    {
        await using var interrupted = await StartAsync(postgres, kafka, blob);
        await interrupted.Archiver.HandleAsync(Records(0, 0, 4), Ct);
        var before = await interrupted.SnapshotAsync();
        await interrupted.Container.DeleteBlobAsync(ArchiveNames.Range(Topic, 0, 0, 4), cancellationToken: Ct);

        // No head: the archiver stopped after the manifest landed and before the range file and the commit.
        await using var resumed = await StartAsync(postgres, kafka, blob, interrupted.Container);
        await resumed.Archiver.HandleAsync(Records(0, 0, 4), Ct);

        Assert.Equal(
            before.Select(b => (b.Name, b.Sha256)),
            (await resumed.SnapshotAsync()).Select(b => (b.Name, b.Sha256))
        );
        Assert.True((await resumed.Verifier.VerifyAsync(Topic, 0, Ct)).IsIntact);
    }

    [Fact]
    public async Task two_archivers_on_one_partition_never_write_competing_ranges()
    {
        await using var harness = await StartAsync(postgres, kafka, blob);
        var rival = harness.ArchiverOn(harness.Container);

        await Task.WhenAll(harness.Archiver.HandleAsync(Records(0, 0, 6), Ct), rival.HandleAsync(Records(0, 0, 9), Ct));

        var verification = await harness.Verifier.VerifyAsync(Topic, 0, Ct);
        Assert.True(verification.IsIntact, verification.FirstBroken?.Summary);
        Assert.Equal(9, (await harness.HeadAsync(0))!.LastOffset);
        Assert.Equal(10, (await harness.HeadAsync(0))!.Records);
    }
}
