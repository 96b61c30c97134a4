using System.Buffers.Binary;
using System.Text;
using PitPlatform.Processing.Archive;
using PitPlatform.Testing;
using Xunit;
using static PitPlatform.Archive.Tests.ArchiveHarness;

namespace PitPlatform.Archive.Tests;

/// <summary>Range files, their names, bytes and manifests, and the chain head in Postgres.</summary>
public sealed class archive_ranges(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_batch_becomes_one_range_file_and_one_manifest_per_partition()
    {
        await using var harness = await StartAsync(postgres, kafka, blob);
        var batch = Records(0, 0, 4).Concat(Records(3, 10, 12)).ToList();

        await harness.Archiver.HandleAsync(batch, Ct);

        var names = (await harness.SnapshotAsync()).Select(b => b.Name);
        Assert.Equal(
            [
                "archive/pit.v1.exec.trade_fill/0/00000000000000000000-00000000000000000004",
                "archive/pit.v1.exec.trade_fill/0/00000000000000000000-00000000000000000004.manifest.json",
                "archive/pit.v1.exec.trade_fill/3/00000000000000000010-00000000000000000012",
                "archive/pit.v1.exec.trade_fill/3/00000000000000000010-00000000000000000012.manifest.json",
            ],
            names
        );
    }

    [Fact]
    public async Task a_range_file_holds_each_record_value_behind_a_big_endian_length()
    {
        await using var harness = await StartAsync(postgres, kafka, blob);
        var batch = Records(0, 0, 2);

        await harness.Archiver.HandleAsync(batch, Ct);

        var content = await harness.ReadAsync(ArchiveNames.Range(Topic, 0, 0, 2));
        var expected = new List<byte>();
        foreach (var record in batch)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, record.Value.Length);
            expected.AddRange(length);
            expected.AddRange(record.Value);
        }
        Assert.Equal(expected.ToArray(), content);
        Assert.Equal(batch.Select(r => r.Value), ArchiveRangeFile.Decode(content).Select(v => v.ToArray()));
    }

    [Fact]
    public async Task the_manifest_is_canonical_json_derived_from_the_records_alone()
    {
        await using var harness = await StartAsync(postgres, kafka, blob);

        await harness.Archiver.HandleAsync(Records(0, 0, 2), Ct);

        var range = await harness.ReadAsync(ArchiveNames.Range(Topic, 0, 0, 2));
        var manifest = Encoding.UTF8.GetString(await harness.ReadAsync(ArchiveNames.Manifest(Topic, 0, 0, 2)));
        Assert.Equal(
            "{\"format\":\"pit-archive-manifest/1\",\"topic\":\"pit.v1.exec.trade_fill\",\"partition\":0,"
                + "\"first_offset\":0,\"last_offset\":2,\"count\":3,\"previous_last_offset\":-1,\"gap_before\":"
                + "0,\"gaps_within\":0,"
                + $"\"range_bytes\":{range.Length},\"range_sha256\":\"{ArchiveManifest.Sha256Hex(range)}\","
                + $"\"previous_manifest_sha256\":\"{new string('0', 64)}\",\"created_at\":\"2026-11-22T10:00:02"
                + $".000Z\"}}",
            manifest
        );
    }

    [Fact]
    public async Task each_range_names_the_hash_of_the_manifest_before_it_and_the_head_follows()
    {
        await using var harness = await StartAsync(postgres, kafka, blob);

        await harness.Archiver.HandleAsync(Records(0, 0, 2), Ct);
        await harness.Archiver.HandleAsync(Records(0, 3, 7), Ct);

        var first = await harness.ReadAsync(ArchiveNames.Manifest(Topic, 0, 0, 2));
        var second = await harness.ReadAsync(ArchiveNames.Manifest(Topic, 0, 3, 7));
        var manifest = ArchiveManifest.Parse(second);
        Assert.Equal(ArchiveManifest.Sha256Hex(first), manifest.PreviousManifestSha256);
        Assert.Equal(2, manifest.PreviousLastOffset);
        Assert.Equal(
            new ArchiveChainHead(
                Topic,
                0,
                7,
                ArchiveNames.Manifest(Topic, 0, 3, 7),
                ArchiveManifest.Sha256Hex(second),
                2,
                8
            ),
            await harness.HeadAsync(0)
        );
    }

    [Fact]
    public async Task gaps_from_retention_or_compaction_are_recorded_in_the_manifest()
    {
        await using var harness = await StartAsync(postgres, kafka, blob);

        await harness.Archiver.HandleAsync(Records(0, 0, 2), Ct);
        await harness.Archiver.HandleAsync([Record(0, 10), Record(0, 12)], Ct);

        var manifest = ArchiveManifest.Parse(await harness.ReadAsync(ArchiveNames.Manifest(Topic, 0, 10, 12)));
        Assert.Equal((7L, 1L, 2), (manifest.GapBefore, manifest.GapsWithin, manifest.Count));
        var chain = Assert.Single((await harness.Verifier.VerifyAsync(Topic, 0, Ct)).Chains);
        Assert.True(chain.IsIntact, chain.Summary);
        Assert.Equal(8, chain.GapOffsets);
    }

    [Fact]
    public async Task records_that_are_not_envelopes_are_dead_lettered_and_left_out_of_the_range()
    {
        await using var harness = await StartAsync(postgres, kafka, blob);

        await harness.Archiver.HandleAsync([Record(0, 0), RecordOf(0, 1, [0xff, 0x01]), Record(0, 2)], Ct);

        Assert.Equal(1, harness.DeadLetters.Written);
        var manifest = ArchiveManifest.Parse(await harness.ReadAsync(ArchiveNames.Manifest(Topic, 0, 0, 2)));
        Assert.Equal((2, 1L), (manifest.Count, manifest.GapsWithin));
        Assert.True((await harness.Verifier.VerifyAsync(Topic, 0, Ct)).IsIntact);
    }

    [Fact]
    public async Task the_head_does_not_pass_a_record_whose_dead_letter_was_not_acknowledged()
    {
        await using var harness = await StartAsync(postgres, kafka, blob);
        harness.DeadLetters.FailuresLeft = 1;
        var batch = new[] { Record(0, 0), RecordOf(0, 1, [0xff, 0x01]), Record(0, 2) };

        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Archiver.HandleAsync(batch, Ct));
        Assert.Null(await harness.HeadAsync(0));

        await harness.Archiver.HandleAsync(batch, Ct);
        Assert.Equal(2, harness.DeadLetters.Written);
        Assert.Equal(2, (await harness.HeadAsync(0))!.LastOffset);
    }
}
