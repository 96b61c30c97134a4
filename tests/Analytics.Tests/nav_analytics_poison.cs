using System.Diagnostics;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Keys;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Processing.Nav;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Analytics.Tests;

/// <summary>
/// A NAV update the analytics store refuses never stops the analytics consumer: through the real consumer loop, broker
/// and Postgres, behind the guard the local host's composition root registers, it is dead-lettered and the points
/// around it are stored, and rolled up, once.
/// </summary>
public sealed class nav_analytics_poison(AnalyticsHost host) : IClassFixture<AnalyticsHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly EnvelopeBuilder Envelopes = new(TopicCatalog.Embedded, "nav-processor/test");

    [Fact]
    public async Task a_nav_update_postgres_refuses_is_dead_lettered_and_the_points_around_it_are_stored_once()
    {
        var series = AnalyticsHost.NewSeries("poison");
        var t = DateTimeOffset.Parse("2026-11-04T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var good = Enumerable.Range(0, 10).Select(i => Update(series, t.AddMinutes(i), "USD", fills: i + 1)).ToList();
        // Three characters, as the consumer checks, one of them a NUL, which Postgres' char(3) refuses (22021).
        var poison = Update(series, t.AddMinutes(20), "U\u0000D", fills: 11);
        var producer = host.Pipeline.Service<EnvelopeProducer>();
        await ProduceAsync(producer, [.. good.Take(5), poison, .. good.Skip(5)]);

        var guard = host.Pipeline.Service<ConsumerGuard<NavAnalyticsConsumer>>();
        await using var loop = new KafkaConsumerLoop(
            guard,
            host.Pipeline.Kafka,
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
        await WaitForPointsAsync(series, good.Count);

        Assert.True(
            clock.Elapsed < TimeSpan.FromSeconds(15),
            $"the points after the poison were stored {clock.Elapsed} after the loop got its partitions"
        );
        var letter = Assert.Single(ReadDeadLetters(expected: 1));
        Assert.Equal(DeadLetterReason.StoreRefused, letter.Reason);
        Assert.StartsWith("sqlstate 22021:", letter.Error, StringComparison.Ordinal);
        Assert.Equal(NavAnalyticsConsumer.Group, letter.ConsumerGroup);
        Assert.Equal(poison.ToByteArray(), letter.OriginalValue.ToByteArray());
        Assert.Equal(0, await host.Pipeline.Database.CountAsync("nav_points", $"event_id = '{poison.EventId}'"));
        // Every point in each of the five rollup intervals once: failed attempts rolled back with their trigger's work.
        Assert.Equal(
            5 * good.Count,
            await host.Pipeline.Database.ScalarAsync<long>(
                $"SELECT sum(points)::bigint FROM nav_rollups WHERE series = '{series}'"
            )
        );

        // After the fix: a NUL can never be stored, so the fix is to the data. The corrected update (same event_id)
        // is replayed through the dead-letter replayer in place of the refused bytes, twice: stored once.
        var corrected = Update(series, t.AddMinutes(20), "USD", fills: 11, id: Guid.Parse(poison.EventId));
        var stored = new DeadLetterReader(host.Pipeline.Kafka, TopicCatalog.Embedded)
            .ReadAll(cancellationToken: Ct)
            .Letters.Single();
        var fixedLetter = stored with
        {
            Letter = new DeadLetter(stored.Letter) { OriginalValue = corrected.ToByteString() },
        };
        var replayer = new DeadLetterReplayer(producer, NullLogger<DeadLetterReplayer>.Instance);
        await replayer.ReplayAsync([fixedLetter], Ct);
        await replayer.ReplayAsync([fixedLetter], Ct);
        await ProduceAsync(producer, [Update(series, t.AddMinutes(30), "USD", fills: 12)]);
        await WaitForPointsAsync(series, good.Count + 2);

        Assert.Equal(1, await host.Pipeline.Database.CountAsync("nav_points", $"event_id = '{poison.EventId}'"));
        Assert.Equal(
            5 * (good.Count + 2),
            await host.Pipeline.Database.ScalarAsync<long>(
                $"SELECT sum(points)::bigint FROM nav_rollups WHERE series = '{series}'"
            )
        );
        Assert.Single(ReadDeadLetters(expected: 1));
    }

    private EventEnvelope Update(string series, DateTimeOffset ts, string currency, long fills, Guid? id = null) =>
        Envelopes.Build(
            id ?? Guid.NewGuid(),
            ts,
            NavProcessor.OutputTopic,
            CanonicalKey.ForCell(host.Tenant, series, "c1"),
            new NAVUpdateEvent
            {
                Currency = currency,
                NavMicros = 1_000_000 * fills,
                CashMicros = -1_000_000,
                PositionsValueMicros = 1_000_000 * (fills + 1),
                FillsApplied = fills,
                SourceEventId = Guid.NewGuid().ToString("D"),
            }
        );

    private static async Task ProduceAsync(EnvelopeProducer producer, IReadOnlyList<EventEnvelope> envelopes)
    {
        var outcomes = await producer.ProduceBatchAsync(envelopes);
        Assert.All(outcomes, o => Assert.True(o.IsStored, o.Error?.Message));
    }

    private Task WaitForPointsAsync(string series, int points) =>
        Eventually.WaitForAsync(
            () => host.Pipeline.Database.CountAsync("nav_points", $"series = '{series}'"),
            n => n >= points,
            TimeSpan.FromSeconds(60),
            $"{points} NAV points"
        );

    private List<DeadLetter> ReadDeadLetters(int expected) =>
        TopicReader
            .ReadAll(
                host.Pipeline.Kafka,
                DeadLetterWriter.Topic,
                expected,
                TimeSpan.FromSeconds(20),
                TimeSpan.FromSeconds(1)
            )
            .Select(r => DeadLetter.Parser.ParseFrom(EventEnvelope.Parser.ParseFrom(r.Message.Value).Payload))
            .ToList();
}
