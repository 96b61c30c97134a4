using System.Text;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Keys;
using PitPlatform.Hosting;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.LocalHost;
using PitPlatform.LocalHost.Commands;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Processing.Nav;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.EndToEnd.Tests;

/// <summary>
/// Dead letters through the running local host: poison is set aside by every group that reads it, and a letter
/// replayed after a fix moves NAV and the usage counts once, however often it is replayed.
/// </summary>
public sealed partial class dead_letter_replay(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task a_letter_replayed_twice_after_a_fix_is_applied_once_by_every_consumer()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var producer = pipeline.Service<EnvelopeProducer>();
        await producer.ProduceRawAsync(
            NavProcessor.InputTopic,
            "t/demo/s/alpha/c/0001"u8.ToArray(),
            "not protobuf"u8.ToArray(),
            [],
            Ct
        );
        // Every group on the fills topic (NAV, usage, archive) sets the poison aside.
        var groups = TopicCatalog.Embedded.Require(NavProcessor.InputTopic).ConsumerGroups.Count;
        await Eventually.WaitForAsync(
            () => DlqAsync(pipeline, "list", "--reason", "not_envelope"),
            r =>
                r.Output.Contains(
                    $"{groups} of {groups} dead letter(s): not_envelope {groups}",
                    StringComparison.Ordinal
                ),
            Patience,
            "the poison dead-lettered by every group"
        );

        // The fixed case: a fill a since-corrected bug refused; its letter holds the valid original.
        var fill = new EnvelopeBuilder(TopicCatalog.Embedded, "test/1.0").Build(
            Guid.NewGuid(),
            DateTimeOffset.Parse("2026-11-22T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            NavProcessor.InputTopic,
            CanonicalKey.ForCell(DevApiKey.Tenant, "alpha", "0001"),
            new TradeFillEvent
            {
                Instrument = "ACME",
                Side = TradeSide.Buy,
                Quantity = 100,
                PriceMicros = 12_500_000,
                Currency = "USD",
            }
        );
        var refused = new ConsumedRecord(
            NavProcessor.InputTopic,
            0,
            9_999,
            Encoding.UTF8.GetBytes(fill.Key),
            fill.ToByteArray(),
            DateTimeOffset.UtcNow,
            []
        );
        await pipeline
            .Service<DeadLetterWriter>()
            .WriteAsync(
                refused,
                NavProcessor.Group,
                DeadLetterReason.InvalidFill,
                "refused by a bug, fixed since",
                fill,
                Ct
            );

        var first = await DlqAsync(pipeline, "replay", "--reason", DeadLetterReason.InvalidFill, "--since", "1h");
        Assert.True(first.Code == 0, first.Output);
        await trade_fill_to_nav_slice.WaitForPointsAsync(pipeline, "alpha", "0001", 1);
        var second = await DlqAsync(pipeline, "replay", "--reason", DeadLetterReason.InvalidFill, "--since", "1h");
        Assert.True(second.Code == 0, second.Output);
        Assert.Equal(ReplayedTo(first.Output).Partition, ReplayedTo(second.Output).Partition);

        // A later fill of the same cell shares the replays' partition: once it is applied and counted, both
        // consumers have read past the second replay.
        Assert.Equal(
            System.Net.HttpStatusCode.Accepted,
            (
                await pipeline.PostEventsAsync(
                    TradeFills.Body(Guid.NewGuid(), side: "sell", quantity: 40, priceMicros: 13_000_000),
                    Ct
                )
            ).StatusCode
        );
        var points = await trade_fill_to_nav_slice.WaitForPointsAsync(pipeline, "alpha", "0001", 2);
        await Eventually.WaitForAsync(
            () => FillsCountedAsync(pipeline),
            n => n >= 2,
            Patience,
            "both fills counted by the usage aggregator"
        );

        Assert.Equal([1L, 2L], points.Select(p => p.GetProperty("fills_applied").GetInt64()));
        Assert.Equal(-730_000_000, points[1].GetProperty("cash_micros").GetInt64());
        Assert.Equal(2, await pipeline.Database.CountAsync("processed_events", "consumer = 'nav-processor'"));
        Assert.Equal(2, await FillsCountedAsync(pipeline));
    }

    private static async Task<long> FillsCountedAsync(TestPipeline pipeline) =>
        await pipeline.Database.ScalarAsync<long?>(
            $"SELECT sum(events)::bigint FROM events_daily WHERE topic = '{NavProcessor.InputTopic}'"
        ) ?? 0;

    private static (int Partition, long Offset) ReplayedTo(string output)
    {
        var match = ReplayedLine().Match(output);
        Assert.True(match.Success, output);
        return (
            int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)
        );
    }

    private static async Task<(int Code, string Output)> DlqAsync(TestPipeline pipeline, params string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    [SettingNames.KafkaBootstrap] = pipeline.Kafka.BootstrapServers,
                    [SettingNames.KafkaPrefix] = pipeline.Kafka.Prefix,
                }
            )
            .Build();
        using var output = new StringWriter();
        var code = await DeadLetterCommand.RunAsync(configuration, args, output, TimeProvider.System, Ct);
        return (code, output.ToString());
    }

    [GeneratedRegex(@"replayed to pit\.v1\.exec\.trade_fill\[(\d+)\]@(\d+)")]
    private static partial Regex ReplayedLine();
}
