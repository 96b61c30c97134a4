using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Governance.Retention;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Retention;

/// <summary>The scheduler asks for one sweep per tenant and period, with the tenant's own cutoff.</summary>
public sealed class retention_scheduler(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task one_sweep_per_tenant_with_its_policy_and_the_same_ids_within_a_period()
    {
        await using var h = await SweepHarness.StartAsync(postgres, kafka, blob);
        await h.Database.ExecuteAsync(
            """
            INSERT INTO api_keys (prefix, secret_hash, tenant, scopes) VALUES ('aaaaaaaa', '\x00', 'acme', '{admin}'), ('bbbbbbbb', '\x00', 'beta', '{read}')
            """
        );
        await h.Policies.SetAsync("beta", 30, "short", "test", Ct);
        var scheduler = new RetentionScheduler(
            h.Policies,
            h.Producer,
            TopicCatalog.Embedded,
            h.Time,
            NullLogger<RetentionScheduler>.Instance
        );

        Assert.Equal(2, await scheduler.RunAsync(Ct));
        Assert.Equal(2, await scheduler.RunAsync(Ct));

        var sweeps = TopicReader
            .ReadAll(h.Kafka, RetentionSweeper.Topic, 4, TimeSpan.FromSeconds(20))
            .Select(r => EventEnvelope.Parser.ParseFrom(r.Message.Value))
            .Select(e => (e.EventId, Sweep: RetentionSweep.Parser.ParseFrom(e.Payload)))
            .ToList();
        Assert.Equal(4, sweeps.Count);
        Assert.Equal(2, sweeps.Select(s => s.EventId).Distinct().Count());
        var acme = sweeps.First(s => s.Sweep.Tenant == "acme").Sweep;
        var beta = sweeps.First(s => s.Sweep.Tenant == "beta").Sweep;
        Assert.Equal((90, SweepHarness.Now.AddDays(-90)), (acme.RetentionDays, acme.Cutoff.ToDateTimeOffset()));
        Assert.Equal((30, SweepHarness.Now.AddDays(-30)), (beta.RetentionDays, beta.Cutoff.ToDateTimeOffset()));
    }
}
