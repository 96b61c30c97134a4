using System.Text;
using Google.Protobuf;
using PitPlatform.Processing.Archive;
using PitPlatform.Testing;
using Xunit;
using static PitPlatform.Archive.Tests.ArchiveHarness;

namespace PitPlatform.Archive.Tests;

/// <summary>The verifier walks each chain from genesis and names the first broken link.</summary>
public sealed class archive_verification(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly string First = ArchiveNames.Manifest(Topic, 0, 0, 3);
    private static readonly string Middle = ArchiveNames.Manifest(Topic, 0, 4, 7);
    private static readonly string Last = ArchiveNames.Manifest(Topic, 0, 8, 11);

    /// <summary>Three ranges in partition 0 and one in partition 1.</summary>
    private async Task<ArchiveHarness> ArchivedAsync()
    {
        var harness = await StartAsync(postgres, kafka, blob);
        await harness.Archiver.HandleAsync(Records(0, 0, 3).Concat(Records(1, 0, 1)).ToList(), Ct);
        await harness.Archiver.HandleAsync(Records(0, 4, 7), Ct);
        await harness.Archiver.HandleAsync(Records(0, 8, 11), Ct);
        return harness;
    }

    private static ChainVerification Partition0(ArchiveVerification verification) =>
        verification.Chains.Single(c => c.Topic == Topic && c.Partition == 0);

    [Fact]
    public async Task an_intact_archive_verifies_with_a_summary_per_chain()
    {
        await using var harness = await ArchivedAsync();

        var verification = await harness.Verifier.VerifyAsync(null, null, Ct);

        Assert.True(verification.IsIntact, verification.FirstBroken?.Summary);
        Assert.Equal(
            [
                "pit.v1.exec.trade_fill/0: intact, 3 ranges, 12 records, offsets 0..11, head matches",
                "pit.v1.exec.trade_fill/1: intact, 1 ranges, 2 records, offsets 0..1, head matches",
            ],
            verification.Chains.Select(c => c.Summary)
        );
    }

    [Fact]
    public async Task a_modified_range_file_is_the_broken_link()
    {
        await using var harness = await ArchivedAsync();
        var name = ArchiveNames.Range(Topic, 0, 4, 7);
        var content = await harness.ReadAsync(name);
        content[^1] ^= 0x01;
        await harness.OverwriteAsync(name, content);

        var chain = Partition0(await harness.Verifier.VerifyAsync(null, null, Ct));

        Assert.Equal(name, chain.BrokenAt);
        Assert.Contains("was altered", chain.Problem);
        Assert.True(Partition1Intact(await harness.Verifier.VerifyAsync(null, null, Ct)));
    }

    [Fact]
    public async Task a_modified_manifest_breaks_the_link_to_the_next_one()
    {
        await using var harness = await ArchivedAsync();
        var json = Encoding.UTF8.GetString(await harness.ReadAsync(Middle));
        await harness.OverwriteAsync(
            Middle,
            Encoding.UTF8.GetBytes(
                json.Replace("\"created_at\":\"2026-11-22T10:00:07", "\"created_at\":\"2026-11-22T10:00:08")
            )
        );

        var chain = Partition0(await harness.Verifier.VerifyAsync(Topic, 0, Ct));

        Assert.Equal(Last, chain.BrokenAt);
        Assert.Contains($"does not match {Middle}", chain.Problem);
    }

    [Fact]
    public async Task a_deleted_range_in_the_middle_is_the_broken_link()
    {
        await using var harness = await ArchivedAsync();
        await harness.Container.DeleteBlobAsync(Middle, cancellationToken: Ct);
        await harness.Container.DeleteBlobAsync(ArchiveNames.Range(Topic, 0, 4, 7), cancellationToken: Ct);

        var chain = Partition0(await harness.Verifier.VerifyAsync(Topic, 0, Ct));

        Assert.Equal(Last, chain.BrokenAt);
        Assert.Contains($"does not match {First}", chain.Problem);
    }

    [Fact]
    public async Task a_deleted_range_file_under_a_kept_manifest_is_the_broken_link()
    {
        await using var harness = await ArchivedAsync();
        await harness.Container.DeleteBlobAsync(ArchiveNames.Range(Topic, 0, 4, 7), cancellationToken: Ct);

        var chain = Partition0(await harness.Verifier.VerifyAsync(Topic, 0, Ct));

        Assert.Equal(ArchiveNames.Range(Topic, 0, 4, 7), chain.BrokenAt);
        Assert.Equal("the range file is missing", chain.Problem);
    }

    [Fact]
    public async Task an_inserted_range_is_the_broken_link()
    {
        await using var harness = await ArchivedAsync();
        // The strongest forgery: a well-formed range whose name sorts between two real ones, chained to the first.
        var forgedRange = ArchiveRangeFile.Encode([Fill(0, 99).ToByteArray()]);
        var forged = new ArchiveManifest(
            Topic,
            0,
            4,
            4,
            1,
            3,
            forgedRange.Length,
            ArchiveManifest.Sha256Hex(forgedRange),
            ArchiveManifest.Sha256Hex(await harness.ReadAsync(First)),
            Epoch
        ).ToCanonicalJson();
        await harness.OverwriteAsync(ArchiveNames.Range(Topic, 0, 4, 4), forgedRange);
        await harness.OverwriteAsync(ArchiveNames.Manifest(Topic, 0, 4, 4), forged);

        var chain = Partition0(await harness.Verifier.VerifyAsync(Topic, 0, Ct));

        Assert.Equal(Middle, chain.BrokenAt);
        Assert.Contains($"does not match {ArchiveNames.Manifest(Topic, 0, 4, 4)}", chain.Problem);
    }

    [Fact]
    public async Task reordered_manifests_are_the_broken_link()
    {
        await using var harness = await ArchivedAsync();
        var middle = await harness.ReadAsync(Middle);
        var last = await harness.ReadAsync(Last);
        await harness.OverwriteAsync(Middle, last);
        await harness.OverwriteAsync(Last, middle);

        var chain = Partition0(await harness.Verifier.VerifyAsync(Topic, 0, Ct));

        Assert.Equal(Middle, chain.BrokenAt);
        Assert.Contains("previous-manifest hash does not match", chain.Problem);
    }

    [Fact]
    public async Task a_removed_last_range_is_caught_by_the_postgres_head()
    {
        await using var harness = await ArchivedAsync();
        await harness.Container.DeleteBlobAsync(Last, cancellationToken: Ct);
        await harness.Container.DeleteBlobAsync(ArchiveNames.Range(Topic, 0, 8, 11), cancellationToken: Ct);

        var chain = Partition0(await harness.Verifier.VerifyAsync(Topic, 0, Ct));

        Assert.Equal(Last, chain.BrokenAt);
        Assert.Contains("the Postgres head is", chain.Problem);
    }

    [Fact]
    public async Task a_range_file_without_a_manifest_is_the_broken_link()
    {
        await using var harness = await ArchivedAsync();
        var stray = ArchiveNames.Range(Topic, 0, 12, 12);
        await harness.OverwriteAsync(stray, ArchiveRangeFile.Encode([Fill(0, 12).ToByteArray()]));

        var chain = Partition0(await harness.Verifier.VerifyAsync(Topic, 0, Ct));

        Assert.Equal(stray, chain.BrokenAt);
    }

    private static bool Partition1Intact(ArchiveVerification verification) =>
        verification.Chains.Single(c => c.Partition == 1).IsIntact;
}
