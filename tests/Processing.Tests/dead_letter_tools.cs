using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Hosting;
using PitPlatform.LocalHost.Commands;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Processing.Nav;
using PitPlatform.Processing.Usage;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Processing.Tests;

/// <summary>
/// `./pit dlq list` and `./pit dlq replay` against the real broker: letters are listed with their counts and filters,
/// and a replayed letter's original reaches its source topic byte for byte and is applied once, however often replayed.
/// </summary>
public sealed class dead_letter_tools(PostgresFixture postgres, KafkaFixture kafka)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_replayed_letter_is_applied_by_the_nav_processor_once_even_when_replayed_twice()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        await harness.Processor.HandleAsync(
            [harness.Record("t/demo/s/alpha/c/0001"u8.ToArray(), "not protobuf"u8.ToArray())],
            Ct
        );
        // The "fix": a fill refused by a since-corrected bug. Its letter holds a valid original.
        var fill = harness.Record(harness.FillEnvelope(Guid.NewGuid(), quantity: 7));
        await Writer(harness)
            .WriteAsync(fill, NavProcessor.Group, DeadLetterReason.InvalidFill, "a bug, fixed since", null, Ct);

        var (first, firstOutput) = await DlqAsync(
            harness,
            "replay",
            "--reason",
            DeadLetterReason.InvalidFill,
            "--since",
            "1h"
        );
        var (second, _) = await DlqAsync(harness, "replay", "--reason", DeadLetterReason.InvalidFill, "--since", "1h");

        Assert.Equal((0, 0), (first, second));
        Assert.Contains("replayed 1 record(s)", firstOutput);
        var replayed = TopicReader.ReadAll(
            harness.Kafka,
            NavProcessor.InputTopic,
            expected: 2,
            TimeSpan.FromSeconds(20)
        );
        Assert.Equal(2, replayed.Count);
        Assert.All(replayed, r =>
        {
            Assert.Equal(fill.Key, r.Message.Key);
            Assert.Equal(fill.Value, r.Message.Value);
        });

        await harness.Processor.HandleAsync(
            replayed
                .Select(r => new ConsumedRecord(
                    NavProcessor.InputTopic,
                    r.Partition.Value,
                    r.Offset.Value,
                    r.Message.Key,
                    r.Message.Value,
                    r.Message.Timestamp.UtcDateTime,
                    []
                ))
                .ToList(),
            Ct
        );

        Assert.Equal(1, await harness.Database.ScalarAsync<long>("SELECT fills_applied FROM cell_cash"));
        Assert.Equal(7, await harness.Database.ScalarAsync<long>("SELECT quantity FROM cell_positions"));
        Assert.Equal(1, await harness.Database.CountAsync("processed_events", "consumer = 'nav-processor'"));
    }

    [Fact]
    public async Task list_prints_each_letter_and_the_counts_per_reason_and_the_filters_narrow_it()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        var mismatched = harness.FillEnvelope(Guid.NewGuid());
        await harness.Processor.HandleAsync(
            [
                harness.Record("t/demo/s/alpha/c/0001"u8.ToArray(), "not protobuf"u8.ToArray()),
                harness.Record("t/evil/s/alpha/c/0001"u8.ToArray(), mismatched.ToByteArray()),
            ],
            Ct
        );
        var call = new ConsumedRecord(
            UsageAggregator.LlmCallTopic,
            3,
            41,
            "t/demo/s/assistant"u8.ToArray(),
            "garbage"u8.ToArray(),
            DateTimeOffset.UtcNow,
            []
        );
        await Writer(harness)
            .WriteAsync(call, UsageAggregator.Group, DeadLetterReason.InvalidPayload, "line one\nline two", null, Ct);

        var (code, all) = await DlqAsync(harness, "list");

        Assert.Equal(0, code);
        Assert.Contains("3 of 3 dead letter(s): invalid_payload 1, key_mismatch 1, not_envelope 1", all);
        var mismatchLine = Assert.Single(all.Split('\n'), l =>
            l.Contains("key_mismatch", StringComparison.Ordinal) && l.Contains("@1", StringComparison.Ordinal)
        );
        Assert.Contains(mismatched.EventId, mismatchLine);
        Assert.Contains($"{NavProcessor.InputTopic}[0]@1", mismatchLine);
        Assert.Contains(NavProcessor.Group, mismatchLine);
        var callLine = Assert.Single(all.Split('\n'), l =>
            l.Contains($"{UsageAggregator.LlmCallTopic}[3]@41", StringComparison.Ordinal)
        );
        Assert.EndsWith("line one", callLine.TrimEnd());

        Assert.Contains(
            "1 of 3 dead letter(s): not_envelope 1",
            (await DlqAsync(harness, "list", "--reason", "not_envelope")).Output
        );
        Assert.Contains(
            "1 of 3 dead letter(s): invalid_payload 1",
            (await DlqAsync(harness, "list", "--topic", UsageAggregator.LlmCallTopic)).Output
        );
        Assert.Contains(
            "1 of 3 dead letter(s): invalid_payload 1",
            (await DlqAsync(harness, "list", "--group", UsageAggregator.Group)).Output
        );
        Assert.Contains("0 of 3 dead letter(s)", (await DlqAsync(harness, "list", "--since", "2099-01-01")).Output);
        Assert.Contains("3 of 3 dead letter(s)", (await DlqAsync(harness, "list", "--since", "10m")).Output);
    }

    [Fact]
    public async Task replay_needs_a_reason_and_a_time_and_a_dry_run_produces_nothing()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        await Writer(harness)
            .WriteAsync(
                harness.Record(harness.FillEnvelope(Guid.NewGuid())),
                NavProcessor.Group,
                DeadLetterReason.InvalidFill,
                "x",
                null,
                Ct
            );

        Assert.Equal(2, (await DlqAsync(harness, "replay", "--reason", DeadLetterReason.InvalidFill)).Code);
        Assert.Equal(2, (await DlqAsync(harness, "replay", "--since", "1h")).Code);
        Assert.Equal(2, (await DlqAsync(harness, "list", "--topic", "pit.v1.no.such")).Code);
        Assert.Equal(2, (await DlqAsync(harness, "list", "--since", "yesterday")).Code);
        Assert.Equal(1, (await DlqAsync(harness, "replay", "--reason", "not_envelope", "--since", "1h")).Code);
        var (code, output) = await DlqAsync(
            harness,
            "replay",
            "--reason",
            DeadLetterReason.InvalidFill,
            "--since",
            "1h",
            "--dry-run"
        );

        Assert.Equal(0, code);
        Assert.Contains("dry run: 1 record(s) would be re-produced", output);
        Assert.Empty(TopicReader.ReadAll(harness.Kafka, NavProcessor.InputTopic, expected: 1, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task letters_of_one_record_from_several_groups_are_replayed_once()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        var fill = harness.Record(harness.FillEnvelope(Guid.NewGuid()));
        await Writer(harness).WriteAsync(fill, NavProcessor.Group, DeadLetterReason.InvalidFill, "x", null, Ct);
        await Writer(harness).WriteAsync(fill, UsageAggregator.Group, DeadLetterReason.InvalidFill, "x", null, Ct);

        var (code, output) = await DlqAsync(
            harness,
            "replay",
            "--reason",
            DeadLetterReason.InvalidFill,
            "--since",
            "1h"
        );

        Assert.Equal(0, code);
        Assert.Contains("replayed 1 record(s) (2 letter(s) matched)", output);
    }

    [Fact]
    public void since_takes_a_time_a_day_or_an_age()
    {
        var now = DateTimeOffset.Parse("2026-11-22T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            DateTimeOffset.Parse("2026-11-22T09:30:00Z", System.Globalization.CultureInfo.InvariantCulture),
            DeadLetterCommand.ParseSince("2026-11-22T09:30:00Z", now)
        );
        Assert.Equal(
            new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero),
            DeadLetterCommand.ParseSince("2026-11-20", now)
        );
        Assert.Equal(now.AddMinutes(-30), DeadLetterCommand.ParseSince("30m", now));
        Assert.Equal(now.AddHours(-6), DeadLetterCommand.ParseSince("6h", now));
        Assert.Equal(now.AddDays(-2), DeadLetterCommand.ParseSince("2d", now));
        Assert.Null(DeadLetterCommand.ParseSince("2w", now));
        Assert.Null(DeadLetterCommand.ParseSince("-1h", now));
    }

    private static DeadLetterWriter Writer(ProcessorHarness harness) =>
        new(TopicCatalog.Embedded, harness.Producer, TimeProvider.System, NullLogger<DeadLetterWriter>.Instance);

    private static async Task<(int Code, string Output)> DlqAsync(ProcessorHarness harness, params string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    [SettingNames.KafkaBootstrap] = harness.Kafka.BootstrapServers,
                    [SettingNames.KafkaPrefix] = harness.Kafka.Prefix,
                }
            )
            .Build();
        using var output = new StringWriter();
        var code = await DeadLetterCommand.RunAsync(configuration, args, output, TimeProvider.System, Ct);
        return (code, output.ToString());
    }
}
