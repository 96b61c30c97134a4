using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Keys;
using PitPlatform.Governance.Retention;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Retention;

/// <summary>
/// A sweep the sweeper cannot read never stops retention: through the real consumer loop, broker, Postgres and Blob,
/// behind the guard both hosts use, it is dead-lettered after its bounded attempts and the sweeps around it complete
/// once.
/// </summary>
public sealed class retention_sweeper_poison(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly EnvelopeBuilder Envelopes = new(TopicCatalog.Embedded, "retention-scheduler/test");

    [Fact]
    public async Task a_sweep_whose_cutoff_cannot_be_read_is_dead_lettered_and_the_sweeps_around_it_complete_once()
    {
        await using var h = await SweepHarness.StartAsync(postgres, kafka, blob);
        foreach (var tenant in new[] { "acme", "beta", "gamma" })
            await h.AddNavPointsAsync(tenant, SweepHarness.Old, 4);
        // A cutoff past year 9999 is a valid protobuf Timestamp on the wire but cannot be converted to a time: the
        // sweeper throws an InvalidOperationException decoding it, which no rule classifies (an unknown failure).
        var unreadable = Sweep("gamma", new Timestamp { Seconds = 253_402_300_800 + 86_400 });
        await ProduceAsync(h, [Sweep("acme"), unreadable, Sweep("beta")]);

        await using var loop = new KafkaConsumerLoop(
            new ConsumerGuard(h.Sweeper(), h.DeadLetters, ConsumerFailurePolicy.Default, NullLogger.Instance),
            h.Kafka,
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
        var letter = Assert.Single(h.ReadDeadLetters(expected: 1));
        await WaitForCompletedAsync(h, 2);

        // The default policy: five attempts alone, 200 + 400 + 800 + 1,600 ms apart.
        Assert.True(
            clock.Elapsed < TimeSpan.FromSeconds(20),
            $"the sweeps around the poison completed {clock.Elapsed} after the loop got its partitions"
        );
        Assert.Equal(DeadLetterReason.UnknownFailure, letter.Reason);
        Assert.Contains("System.InvalidOperationException", letter.Error, StringComparison.Ordinal);
        Assert.Contains("failed alone 5 times", letter.Error, StringComparison.Ordinal);
        Assert.Equal(RetentionSweeper.Group, letter.ConsumerGroup);
        Assert.Equal(unreadable.ToByteArray(), letter.OriginalValue.ToByteArray());
        Assert.Single(await h.SweepAuditsAsync("acme"));
        Assert.Single(await h.SweepAuditsAsync("beta"));
        Assert.Empty(await h.SweepAuditsAsync("gamma"));
        Assert.Equal(4, await h.Database.CountAsync("nav_points", "tenant = 'gamma'"));
        Assert.Equal(0, await h.Database.CountAsync("nav_points", "tenant IN ('acme', 'beta')"));

        // After the fix: the scheduler's bug is fixed and the sweep's cutoff is one the sweeper reads. The corrected
        // sweep (same sweep id) is replayed through the dead-letter replayer in place of the unreadable bytes, twice:
        // the second is a completed sweep, skipped. A later sweep of the same tenant (same partition) is read after
        // both.
        var corrected = Sweep(
            "gamma",
            Timestamp.FromDateTimeOffset(SweepHarness.Now.AddDays(-90)),
            Guid.Parse(unreadable.EventId)
        );
        var stored = new DeadLetterReader(h.Kafka, TopicCatalog.Embedded)
            .ReadAll(cancellationToken: Ct)
            .Letters.Single();
        var fixedLetter = stored with
        {
            Letter = new DeadLetter(stored.Letter) { OriginalValue = corrected.ToByteString() },
        };
        var replayer = new DeadLetterReplayer(h.Producer, NullLogger<DeadLetterReplayer>.Instance);
        await replayer.ReplayAsync([fixedLetter], Ct);
        await replayer.ReplayAsync([fixedLetter], Ct);
        await ProduceAsync(h, [Sweep("gamma")]);
        await WaitForCompletedAsync(h, 4);

        Assert.Equal(2, (await h.SweepAuditsAsync("gamma")).Count);
        Assert.Equal(
            1,
            await h.Database.CountAsync(
                "retention_sweeps",
                $"sweep_id = '{unreadable.EventId}' AND completed_at IS NOT NULL"
            )
        );
        Assert.Equal(0, await h.Database.CountAsync("nav_points", "tenant = 'gamma'"));
        Assert.Single(h.ReadDeadLetters(expected: 1));
    }

    private static EventEnvelope Sweep(string tenant, Timestamp? cutoff = null, Guid? id = null) =>
        Envelopes.Build(
            id ?? Guid.NewGuid(),
            SweepHarness.Now,
            RetentionSweeper.Topic,
            CanonicalKey.ForSeries(tenant, RetentionScheduler.KeySeries),
            new RetentionSweep
            {
                Tenant = tenant,
                Cutoff = cutoff ?? Timestamp.FromDateTimeOffset(SweepHarness.Now.AddDays(-90)),
                RetentionDays = 90,
            }
        );

    private static async Task ProduceAsync(SweepHarness h, IReadOnlyList<EventEnvelope> envelopes)
    {
        var outcomes = await h.Producer.ProduceBatchAsync(envelopes);
        Assert.All(outcomes, o => Assert.True(o.IsStored, o.Error?.Message));
    }

    private static Task WaitForCompletedAsync(SweepHarness h, int sweeps) =>
        Eventually.WaitForAsync(
            () => h.Database.CountAsync("retention_sweeps", "completed_at IS NOT NULL"),
            n => n >= sweeps,
            TimeSpan.FromSeconds(60),
            $"{sweeps} completed sweeps"
        );
}
