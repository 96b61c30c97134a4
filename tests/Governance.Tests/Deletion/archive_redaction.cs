using Microsoft.Extensions.Configuration;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Governance.Audit;
using PitPlatform.Governance.Deletion;
using PitPlatform.Processing.Archive;
using PitPlatform.Testing;
using Xunit;
using static PitPlatform.Governance.Tests.Deletion.ArchivedData;

namespace PitPlatform.Governance.Tests.Deletion;

/// <summary>
/// An approved deletion rewrites the archived range files that hold its scope's records without them (step
/// purge_archive), records each rewrite before the overwrite, and the archive still verifies, redactions counted.
/// </summary>
public sealed class archive_redaction(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly (string, string, string) DemoAlpha1 = ("demo", "alpha", "c1");
    private static readonly (string, string, string) DemoAlpha2 = ("demo", "alpha", "c2");
    private static readonly (string, string, string) DemoBeta = ("demo", "beta", "c1");
    private static readonly (string, string, string) OtherAlpha = ("other", "alpha", "c1");

    /// <summary>Three ranges on one partition: two mix demo/alpha with other records, one holds none of it.</summary>
    private static async Task ArchiveMixedRangesAsync(TestPipeline pipeline)
    {
        await ArchiveAsync(pipeline, Fills(0, DemoAlpha1, OtherAlpha, DemoBeta, DemoAlpha2, OtherAlpha));
        await ArchiveAsync(pipeline, Fills(5, OtherAlpha, DemoBeta, OtherAlpha));
        await ArchiveAsync(pipeline, Fills(8, DemoAlpha2, DemoAlpha1, OtherAlpha));
    }

    private static bool IsDemoAlpha(EventEnvelope e) => e.Tenant == "demo" && e.Series == "alpha";

    [Fact]
    public async Task a_series_deletion_leaves_other_records_of_its_range_files_byte_identical_and_archive_verified()
    {
        await using var api = await DeletionApi.StartAsync(postgres, kafka, blob);
        await ArchiveMixedRangesAsync(api.Pipeline);
        var before = await SnapshotAsync(Container(api.Pipeline));

        var id = await api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "client left",
            }
        );
        Assert.Equal(System.Net.HttpStatusCode.OK, (await api.ApproveAsync(id)).StatusCode);
        var done = await api.CompletedAsync(id);

        var counts = done.GetProperty("counts");
        Assert.Equal(4, counts.GetProperty("archive.records").GetInt64());
        Assert.Equal(2, counts.GetProperty("archive.ranges_rewritten").GetInt64());
        var receipt = done.GetProperty("receipt");
        Assert.False(receipt.TryGetProperty("not_removed", out _));
        Assert.Equal(4, receipt.GetProperty("counts").GetProperty("archive.records").GetInt64());

        var after = await SnapshotAsync(Container(api.Pipeline));
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (name, bytes) in before)
        {
            // Manifests and the range without the series stay as they were; the others keep every other record's bytes,
            // in order.
            var expected = name.EndsWith(ArchiveNames.ManifestSuffix, StringComparison.Ordinal)
                ? bytes
                : ArchiveRangeFile.Encode([
                    .. Values(bytes).Where(v => !IsDemoAlpha(EventEnvelope.Parser.ParseFrom(v))),
                ]);
            Assert.Equal(expected, after[name]);
        }
        Assert.Equal(before[ArchiveNames.Range(FillTopic, 0, 5, 7)], after[ArchiveNames.Range(FillTopic, 0, 5, 7)]);
        Assert.DoesNotContain(
            after
                .Where(b => !b.Key.EndsWith(ArchiveNames.ManifestSuffix, StringComparison.Ordinal))
                .SelectMany(b => Parse(b.Value)),
            IsDemoAlpha
        );

        var verification = await VerifyAsync(api.Pipeline);
        Assert.True(verification.IsIntact, verification.FirstBroken?.Problem);
        Assert.Equal(2, verification.RedactedRanges);
        var chain = Assert.Single(verification.Chains);
        Assert.Equal(11 - 4, chain.Records);
        Assert.Contains("2 ranges redacted", chain.Summary);

        var redactions = (await api.AuditAsync()).Where(e => e.Action == DeletionArchive.RedactedAction).ToList();
        Assert.Equal(
            [ArchiveNames.Range(FillTopic, 0, 0, 4), ArchiveNames.Range(FillTopic, 0, 8, 10)],
            redactions.Select(r => r.Target)
        );
        var first = redactions[0].Details;
        Assert.Equal(FillTopic, first.GetProperty("topic").GetString());
        Assert.Equal(0, first.GetProperty("partition").GetInt32());
        Assert.Equal(
            ArchiveManifest.Sha256Hex(before[redactions[0].Target]),
            first.GetProperty("original_sha256").GetString()
        );
        Assert.Equal(
            ArchiveManifest.Sha256Hex(after[redactions[0].Target]),
            first.GetProperty("new_sha256").GetString()
        );
        Assert.Equal(2, first.GetProperty("records_removed").GetInt32());
        Assert.Equal(id, first.GetProperty("deletion_id").GetString());
        Assert.True((await api.Pipeline.Service<AuditVerifier>().VerifyAsync(cancellationToken: Ct)).IsIntact);
    }

    [Fact]
    public async Task running_the_step_again_changes_nothing()
    {
        await using var api = await DeletionApi.StartAsync(postgres, kafka, blob);
        await ArchiveMixedRangesAsync(api.Pipeline);
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
        var blobs = await SnapshotAsync(Container(api.Pipeline));
        var entries = (await api.AuditAsync()).Count;

        var redactor = api.Pipeline.Service<ArchiveRedactor>();
        var audit = api.Pipeline.Service<AuditTrail>();
        var totals = await redactor.RedactAsync(
            Guid.Parse(id),
            "demo",
            DeletionArchive.Matcher("demo", new DeletionScope(DeletionScope.SeriesKind, "alpha")),
            DeletionArchive.Audit(audit, Guid.Parse(id)),
            Ct
        );

        Assert.Equal(new ArchiveRedactionTotals(4, 2), totals);
        var again = await SnapshotAsync(Container(api.Pipeline));
        Assert.All(blobs, b => Assert.Equal(b.Value, again[b.Key]));
        Assert.Equal(entries, (await api.AuditAsync()).Count);
        Assert.Equal(2, await api.Pipeline.Database.CountAsync("archive_redactions", "true"));
        Assert.True((await VerifyAsync(api.Pipeline)).IsIntact);
    }

    [Fact]
    public async Task a_run_killed_between_recording_and_overwriting_is_completed_by_the_next_run()
    {
        await using var api = await DeletionApi.StartAsync(postgres, kafka, blob);
        await ArchiveMixedRangesAsync(api.Pipeline);
        var deletion = Guid.NewGuid();
        var matcher = DeletionArchive.Matcher("demo", new DeletionScope(DeletionScope.SeriesKind, "alpha"));
        var audit = DeletionArchive.Audit(api.Pipeline.Service<AuditTrail>(), deletion);
        var crashing = new CrashingRedactor(api.Pipeline.Service<ArchiveStorage>(), api.Pipeline.Database.DataSource);

        await Assert.ThrowsAsync<IOException>(() => crashing.RedactAsync(deletion, "demo", matcher, audit, Ct));
        // Recorded, not yet applied: the file still has its archived bytes and the verifier accepts it as it is.
        Assert.Equal(1, await api.Pipeline.Database.CountAsync("archive_redactions", "true"));
        Assert.True((await VerifyAsync(api.Pipeline)).IsIntact);

        var totals = await api.Pipeline.Service<ArchiveRedactor>().RedactAsync(deletion, "demo", matcher, audit, Ct);

        Assert.Equal(new ArchiveRedactionTotals(4, 2), totals);
        Assert.Equal(2, (await api.AuditAsync()).Count(e => e.Action == DeletionArchive.RedactedAction));
        var verification = await VerifyAsync(api.Pipeline);
        Assert.True(verification.IsIntact, verification.FirstBroken?.Problem);
        Assert.Equal(2, verification.RedactedRanges);
    }

    [Fact]
    public async Task a_subject_deletion_removes_that_subjects_calls_of_the_tenant_only()
    {
        await using var api = await DeletionApi.StartAsync(postgres, kafka, blob);
        var subject = TenantData.Subject;
        await ArchiveAsync(
            api.Pipeline,
            Calls(0, ("demo", subject), ("demo", "other"), ("other", subject), ("demo", subject))
        );

        var id = await api.RequestAsync(
            new
            {
                scope = "subject",
                subject,
                reason = "erasure request",
            }
        );
        await api.ApproveAsync(id);
        var done = await api.CompletedAsync(id);

        Assert.Equal(2, done.GetProperty("counts").GetProperty("archive.records").GetInt64());
        var range = (await SnapshotAsync(Container(api.Pipeline)))[ArchiveNames.Range(CallTopic, 0, 0, 3)];
        Assert.Equal(
            [("demo", "other"), ("other", subject)],
            Parse(range)
                .Select(e => (e.Tenant, Contracts.Events.V1.LlmCallEvent.Parser.ParseFrom(e.Payload).UserRefHash))
        );
        Assert.True((await VerifyAsync(api.Pipeline)).IsIntact);
    }

    [Fact]
    public async Task a_range_that_held_only_the_scope_becomes_an_empty_file_that_still_verifies()
    {
        await using var api = await DeletionApi.StartAsync(postgres, kafka, blob);
        await ArchiveAsync(api.Pipeline, Fills(0, DemoAlpha1, DemoBeta));
        await ArchiveAsync(api.Pipeline, Fills(2, OtherAlpha, DemoAlpha2));

        var id = await api.RequestAsync(new { scope = "tenant", reason = "account closed" });
        await api.ApproveAsync(id);
        var done = await api.CompletedAsync(id);

        Assert.Equal(3, done.GetProperty("counts").GetProperty("archive.records").GetInt64());
        var blobs = await SnapshotAsync(Container(api.Pipeline));
        Assert.Empty(blobs[ArchiveNames.Range(FillTopic, 0, 0, 1)]);
        Assert.Equal(["other"], Parse(blobs[ArchiveNames.Range(FillTopic, 0, 2, 3)]).Select(e => e.Tenant));
        var verification = await VerifyAsync(api.Pipeline);
        Assert.True(verification.IsIntact, verification.FirstBroken?.Problem);
        Assert.Equal(2, verification.RedactedRanges);
        Assert.Equal(1, Assert.Single(verification.Chains).Records);
    }

    [Fact]
    public async Task pit_archive_verify_reports_the_redacted_ranges()
    {
        await using var api = await DeletionApi.StartAsync(postgres, kafka, blob);
        await ArchiveMixedRangesAsync(api.Pipeline);
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
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    [Hosting.SettingNames.Postgres] = api.Pipeline.Database.ConnectionString,
                    [Hosting.SettingNames.Blob] = blob.ConnectionString,
                    [Hosting.SettingNames.ArchiveContainer] = Container(api.Pipeline).Name,
                }
            )
            .Build();
        var output = new StringWriter();
        var errors = new StringWriter();

        var code = await LocalHost.Commands.ArchiveCommand.RunAsync(configuration, ["verify"], output, errors, Ct);

        Assert.Equal(0, code);
        Assert.Equal("", errors.ToString());
        Assert.Equal(
            [
                $"{FillTopic}/0: intact, 3 ranges, 7 records, offsets 0..10, 2 ranges redacted by deletions "
                    + "(recorded and audited), head matches",
                $"archive verify: 1 chains intact in container {Container(api.Pipeline).Name}, 2 ranges redacted",
            ],
            output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
        );
    }

    [Fact]
    public async Task a_range_file_altered_between_its_read_and_its_rewrite_is_not_overwritten()
    {
        await using var api = await DeletionApi.StartAsync(postgres, kafka, blob);
        await ArchiveMixedRangesAsync(api.Pipeline);
        var range = ArchiveNames.Range(FillTopic, 0, 0, 4);
        var container = Container(api.Pipeline);
        // Still holds the scope's records, so a redactor that ignored the ETag it read would rewrite it without
        // complaint.
        var altered = ArchiveRangeFile.Encode([
            .. Values((await SnapshotAsync(container))[range])
                .Where(v => EventEnvelope.Parser.ParseFrom(v).Tenant != "other"),
        ]);
        var racing = new RacingRedactor(api.Pipeline.Service<ArchiveStorage>(), api.Pipeline.Database.DataSource, ct =>
            container.GetBlobClient(range).UploadAsync(new BinaryData(altered), overwrite: true, ct)
        );
        var deletion = Guid.NewGuid();

        var conflict = await Assert.ThrowsAsync<ArchiveConflictException>(() =>
            racing.RedactAsync(
                deletion,
                "demo",
                DeletionArchive.Matcher("demo", new DeletionScope(DeletionScope.SeriesKind, "alpha")),
                DeletionArchive.Audit(api.Pipeline.Service<AuditTrail>(), deletion),
                Ct
            )
        );

        Assert.Equal(range, conflict.BlobName);
        Assert.Equal(altered, (await SnapshotAsync(container))[range]);
    }

    /// <summary>
    /// Changes the range file once, after the rewrite was recorded and before the blob is overwritten.
    /// </summary>
    private sealed class RacingRedactor(
        ArchiveStorage storage,
        Npgsql.NpgsqlDataSource database,
        Func<CancellationToken, Task> change
    ) : ArchiveRedactor(storage, database)
    {
        private int _changed;

        protected override Task RecordedAsync(ArchiveRedaction redaction, CancellationToken cancellationToken) =>
            Interlocked.Exchange(ref _changed, 1) == 0 ? change(cancellationToken) : Task.CompletedTask;
    }

    private sealed class CrashingRedactor(ArchiveStorage storage, Npgsql.NpgsqlDataSource database)
        : ArchiveRedactor(storage, database)
    {
        protected override Task RecordedAsync(ArchiveRedaction redaction, CancellationToken cancellationToken) =>
            throw new IOException($"process killed after recording the rewrite of {redaction.RangeName}");
    }
}
