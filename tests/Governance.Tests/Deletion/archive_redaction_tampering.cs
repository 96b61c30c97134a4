using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Processing.Archive;
using PitPlatform.Testing;
using Xunit;
using static PitPlatform.Governance.Tests.Deletion.ArchivedData;

namespace PitPlatform.Governance.Tests.Deletion;

/// <summary>
/// A redaction excuses exactly the rewrite it recorded: any later change to the file is still tampering.
/// </summary>
public sealed class archive_redaction_tampering(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly string Redacted = ArchiveNames.Range(FillTopic, 0, 0, 3);

    private static async Task<DeletionApi> RedactedArchiveAsync(
        PostgresFixture postgres,
        KafkaFixture kafka,
        BlobFixture blob
    )
    {
        var api = await DeletionApi.StartAsync(postgres, kafka, blob);
        await ArchiveAsync(
            api.Pipeline,
            Fills(0, ("demo", "alpha", "c1"), ("other", "alpha", "c1"), ("other", "beta", "c1"), ("demo", "beta", "c1"))
        );
        var id = await api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "client left",
            }
        );
        await api.ApproveAsync(id);
        await api.CompletedAsync(id);
        Assert.True((await VerifyAsync(api.Pipeline)).IsIntact);
        return api;
    }

    private static async Task<byte[]> AlterAsync(TestPipeline pipeline)
    {
        // Drops one more record (other/alpha): a well-formed range file, just not one any redaction produced.
        var container = Container(pipeline);
        var current = (await container.GetBlobClient(Redacted).DownloadContentAsync(Ct)).Value.Content.ToArray();
        var altered = ArchiveRangeFile.Encode([
            .. Values(current)
                .Where(v =>
                    EventEnvelope.Parser.ParseFrom(v).Tenant != "other"
                    || EventEnvelope.Parser.ParseFrom(v).Series != "alpha"
                ),
        ]);
        await container.GetBlobClient(Redacted).UploadAsync(new BinaryData(altered), overwrite: true, Ct);
        return altered;
    }

    [Fact]
    public async Task a_file_altered_after_a_redaction_without_a_record_is_caught()
    {
        await using var api = await RedactedArchiveAsync(postgres, kafka, blob);

        await AlterAsync(api.Pipeline);

        var verification = await VerifyAsync(api.Pipeline);
        Assert.False(verification.IsIntact);
        Assert.Equal(Redacted, verification.FirstBroken!.BrokenAt);
        Assert.Contains("no redaction record", verification.FirstBroken.Problem);
    }

    [Fact]
    public async Task a_redaction_row_forged_without_its_audit_entry_excuses_nothing()
    {
        await using var api = await RedactedArchiveAsync(postgres, kafka, blob);
        var redactedSha = ArchiveManifest.Sha256Hex(
            (await Container(api.Pipeline).GetBlobClient(Redacted).DownloadContentAsync(Ct)).Value.Content.ToArray()
        );
        var altered = await AlterAsync(api.Pipeline);

        await api.Pipeline.Database.ExecuteAsync(
            $"""
            INSERT INTO archive_redactions (range_name, original_sha256, new_sha256, topic, partition, first_offset, last_offset, records_removed,
                                            new_bytes, deletion_id, tenant, audit_sequence)
            VALUES ('{Redacted}', '{redactedSha}', '{ArchiveManifest.Sha256Hex(
                altered
            )}', '{FillTopic}', 0, 0, 3, 1, {altered.Length},
                    gen_random_uuid(), 'demo', 1)
            """
        );

        var verification = await VerifyAsync(api.Pipeline);
        Assert.False(verification.IsIntact);
        Assert.Equal(Redacted, verification.FirstBroken!.BrokenAt);
    }
}
