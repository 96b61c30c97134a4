using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Identifiers;
using PitPlatform.Contracts.Keys;
using PitPlatform.Processing.Archive;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Retention;

/// <summary>
/// Archive range files mix tenants: one goes only when every record in it is past every tenant's retention, oldest
/// first, and the chain still verifies from genesis afterwards.
/// </summary>
public sealed class archive_retention(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private const string Topic = "pit.v1.exec.trade_fill";
    private static readonly EnvelopeBuilder Envelopes = new(TopicCatalog.Embedded, "test/1.0");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task expired_ranges_go_oldest_first_and_the_chain_still_verifies()
    {
        await using var h = await SweepHarness.StartAsync(postgres, kafka, blob);
        var archiver = new Archiver(
            new ArchiveStorage(h.Container),
            h.Database.DataSource,
            TopicCatalog.Embedded,
            h.DeadLetters,
            NullLogger<Archiver>.Instance
        );
        await archiver.HandleAsync(Records(0, 4, SweepHarness.Old), Ct);
        // one record of another tenant is recent
        await archiver.HandleAsync(Records(5, 9, SweepHarness.Old, newerAt: 7), Ct);
        await archiver.HandleAsync(Records(10, 12, SweepHarness.Old), Ct);
        await archiver.HandleAsync(Records(13, 15, SweepHarness.Recent), Ct);
        var sweep = h.Sweep("acme");

        await h.Sweeper().HandleAsync([sweep], Ct);
        await h.Sweeper().HandleAsync([h.Sweep("acme")], Ct);

        var names = await NamesAsync(h);
        Assert.DoesNotContain(ArchiveNames.Range(Topic, 0, 0, 4), names);
        Assert.Contains(ArchiveNames.Manifest(Topic, 0, 0, 4), names);
        // The second range holds a recent record, so it and everything after it stay.
        Assert.Contains(ArchiveNames.Range(Topic, 0, 5, 9), names);
        Assert.Contains(ArchiveNames.Range(Topic, 0, 10, 12), names);
        Assert.Contains(ArchiveNames.Range(Topic, 0, 13, 15), names);
        using var deleted = JsonDocument.Parse(await h.DeletedAsync(sweep));
        Assert.Equal(1, deleted.RootElement.GetProperty("archive_range_files").GetInt64());
        var verification = await new ArchiveVerifier(h.Container, h.Database.DataSource).VerifyAsync(null, null, Ct);
        Assert.True(verification.IsIntact, verification.FirstBroken?.Problem);
        Assert.Equal(16, Assert.Single(verification.Chains).Records);
    }

    [Fact]
    public async Task a_range_file_removed_above_the_retention_mark_is_still_reported()
    {
        await using var h = await SweepHarness.StartAsync(postgres, kafka, blob);
        var archiver = new Archiver(
            new ArchiveStorage(h.Container),
            h.Database.DataSource,
            TopicCatalog.Embedded,
            h.DeadLetters,
            NullLogger<Archiver>.Instance
        );
        await archiver.HandleAsync(Records(0, 4, SweepHarness.Old), Ct);
        await archiver.HandleAsync(Records(5, 9, SweepHarness.Recent), Ct);
        await archiver.HandleAsync(Records(10, 12, SweepHarness.Recent), Ct);
        await h.Sweeper().HandleAsync([h.Sweep("acme")], Ct);

        await h.Container.DeleteBlobAsync(ArchiveNames.Range(Topic, 0, 5, 9), cancellationToken: Ct);

        var verification = await new ArchiveVerifier(h.Container, h.Database.DataSource).VerifyAsync(null, null, Ct);
        Assert.False(verification.IsIntact);
        Assert.Equal(ArchiveNames.Range(Topic, 0, 5, 9), verification.FirstBroken!.BrokenAt);
    }

    private static IReadOnlyList<ConsumedRecord> Records(
        long first,
        long last,
        DateTimeOffset at,
        long? newerAt = null
    ) =>
        Enumerable
            .Range(0, (int)(last - first + 1))
            .Select(i =>
            {
                var offset = first + i;
                var tenant = offset % 2 == 0 ? "acme" : "beta";
                var ts = offset == newerAt ? SweepHarness.Recent : at.AddSeconds(offset);
                var envelope = Envelopes.Build(
                    DeterministicGuid.Create(DeterministicGuid.PitNamespace, $"archive-retention:{offset}"),
                    ts,
                    Topic,
                    CanonicalKey.ForCell(tenant, "alpha", "0001"),
                    new TradeFillEvent
                    {
                        Instrument = "ACME",
                        Side = TradeSide.Buy,
                        Quantity = 1,
                        PriceMicros = 1_000_000,
                        Currency = "USD",
                    }
                );
                return new ConsumedRecord(
                    Topic,
                    0,
                    offset,
                    Encoding.UTF8.GetBytes(envelope.Key),
                    envelope.ToByteArray(),
                    at.AddSeconds(offset),
                    []
                );
            })
            .ToList();

    private static async Task<HashSet<string>> NamesAsync(SweepHarness h)
    {
        var names = new HashSet<string>();
        await foreach (
            var item in h.Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: null, cancellationToken: Ct)
        )
            names.Add(item.Name);
        return names;
    }
}
