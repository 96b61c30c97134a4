using System.Net;
using PitPlatform.Hosting;
using PitPlatform.Processing.Archive;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Archive.Tests;

/// <summary>
/// The local host runs the archiver beside the other consumers, over the same composition root as Azure.
/// </summary>
public sealed class local_host_archiving(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_posted_fill_and_the_nav_update_it_causes_are_archived_in_verifiable_chains()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var body = $$$"""
            {"data":[{"type":"exec.trade_fill","event_id":"{{{Guid.NewGuid()}}}","ts":"2026-11-22T09:30:00Z","series":"alpha","cell":"0001",
              "payload":{"instrument":"ACME","side":"buy","quantity":100,"price_micros":12500000,"currency":"USD","fee_micros":0}}]}
            """;

        Assert.Equal(HttpStatusCode.Accepted, (await pipeline.PostEventsAsync(body, Ct)).StatusCode);

        var heads = await Eventually.WaitForAsync(
            () => ArchiveChainStore.ReadAllAsync(pipeline.Database.DataSource, null, null, Ct),
            h => h.Select(x => x.Topic).Distinct().Count() == 2,
            TimeSpan.FromSeconds(60),
            "fill and NAV update archived"
        );
        Assert.Equal(["pit.v1.acct.nav_update", "pit.v1.exec.trade_fill"], heads.Select(h => h.Topic).Order());

        var container = pipeline.Service<ArchiveStorage>().Container;
        var verification = await new ArchiveVerifier(container, pipeline.Database.DataSource).VerifyAsync(
            null,
            null,
            Ct
        );
        Assert.True(verification.IsIntact, verification.FirstBroken?.Summary);
        Assert.Equal(2, verification.Chains.Count);
        Assert.StartsWith("archive-", pipeline.Service<PitSettings>().ArchiveContainer);
    }
}
