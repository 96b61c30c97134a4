using System.Diagnostics;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Processing.Tests;

/// <summary>
/// An LLM call the usage store refuses never stops the usage aggregator: through the real consumer loop, broker and
/// Postgres, behind the guard both hosts use, it is dead-lettered and the calls around it are counted once.
/// </summary>
public sealed class usage_aggregator_poison(PostgresFixture postgres, KafkaFixture kafka)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ConsumerLoopOptions Loop = new()
    {
        FirstRetryDelay = TimeSpan.FromMilliseconds(100),
        MaxRetryDelay = TimeSpan.FromSeconds(2),
        SessionTimeoutMs = 6_000,
    };

    [Fact]
    public async Task an_llm_call_postgres_refuses_is_dead_lettered_and_the_calls_around_it_are_counted_once()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        var good = Enumerable
            .Range(0, 12)
            .Select(i => harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call(input: 100 + i, cost: 1_000)))
            .ToList();
        // The event schema allows a NUL in the model; Postgres' text does not (22021). Produced straight to the topic.
        var poison = harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call(model: "gpt\u00004o", cost: 1_000_000));
        await ProduceAsync(harness, [.. good.Take(6), poison, .. good.Skip(6)]);

        await using var loop = new KafkaConsumerLoop(harness.Guard(), harness.Kafka, Loop, NullLogger.Instance);
        loop.Start();
        await loop.Assigned.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        var clock = Stopwatch.StartNew();
        await WaitForCountedAsync(harness, good.Count);

        // One batch window (a second) and the splitting; no retry waits for a permanent failure.
        Assert.True(
            clock.Elapsed < TimeSpan.FromSeconds(15),
            $"the calls after the poison were counted {clock.Elapsed} after the loop got its partitions"
        );
        var letter = Assert.Single(harness.DeadLetters(expected: 1));
        Assert.Equal(DeadLetterReason.StoreRefused, letter.Reason);
        Assert.StartsWith("sqlstate 22021:", letter.Error, StringComparison.Ordinal);
        Assert.Equal(poison.ToByteArray(), letter.OriginalValue.ToByteArray());
        Assert.Equal(good.Count, await harness.Database.CountAsync("llm_calls"));
        Assert.Equal(
            good.Count,
            await harness.Database.ScalarAsync<long>("SELECT sum(calls)::bigint FROM usage_daily")
        );
        Assert.Equal(
            good.Count * 1_000,
            await harness.Database.ScalarAsync<long>("SELECT sum(cost_micros)::bigint FROM usage_daily")
        );
        Assert.Equal(
            good.Count,
            await harness.Database.ScalarAsync<long>("SELECT sum(events)::bigint FROM events_daily")
        );

        // After the fix: a NUL can never be stored, so the fix is to the data. The corrected call (same event_id, a
        // model Postgres takes) is replayed through the dead-letter replayer in place of the refused bytes, twice;
        // the refused original was never counted, so the correction is counted once.
        var corrected = harness.CallEnvelope(
            Guid.Parse(poison.EventId),
            UsageHarness.Call(model: "gpt-4o", cost: 1_000_000)
        );
        var stored = new DeadLetterReader(harness.Kafka, TopicCatalog.Embedded)
            .ReadAll(cancellationToken: Ct)
            .Letters.Single();
        var fixedLetter = stored with
        {
            Letter = new DeadLetter(stored.Letter) { OriginalValue = corrected.ToByteString() },
        };
        var replayer = new DeadLetterReplayer(harness.Producer, NullLogger<DeadLetterReplayer>.Instance);
        await replayer.ReplayAsync([fixedLetter], Ct);
        await replayer.ReplayAsync([fixedLetter], Ct);
        await ProduceAsync(harness, [harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call(cost: 1_000))]);
        await WaitForCountedAsync(harness, good.Count + 2);

        Assert.Equal(good.Count + 2, await harness.Database.CountAsync("llm_calls"));
        Assert.Equal(
            good.Count * 1_000 + 1_000_000 + 1_000,
            await harness.Database.ScalarAsync<long>("SELECT sum(cost_micros)::bigint FROM usage_daily")
        );
        Assert.Single(harness.DeadLetters(expected: 1));
    }

    private static async Task ProduceAsync(UsageHarness harness, IReadOnlyList<EventEnvelope> envelopes)
    {
        var outcomes = await harness.Producer.ProduceBatchAsync(envelopes);
        Assert.All(outcomes, o => Assert.True(o.IsStored, o.Error?.Message));
    }

    private static Task WaitForCountedAsync(UsageHarness harness, int calls) =>
        Eventually.WaitForAsync(
            () => harness.Database.CountAsync("processed_events", "consumer = 'usage-aggregator'"),
            n => n >= calls,
            TimeSpan.FromSeconds(60),
            $"{calls} calls counted"
        );
}
