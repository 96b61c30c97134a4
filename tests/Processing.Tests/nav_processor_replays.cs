using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Processing.Nav;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Processing.Tests;

/// <summary>Replays of records already handled, and what must not be mistaken for one.</summary>
public sealed class nav_processor_replays(PostgresFixture postgres, KafkaFixture kafka)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task records_replayed_at_their_own_positions_are_skipped_without_emitting_anything()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        var appended = DateTimeOffset.UtcNow.AddMinutes(-5);
        var records = Enumerable
            .Range(0, 30)
            .Select(i =>
                ProcessorHarness.RecordAt(
                    i,
                    harness.FillEnvelope(Guid.NewGuid(), quantity: 1, cell: $"c{i % 3}"),
                    appended
                )
            )
            .ToList();
        await harness.Processor.HandleAsync(records, Ct);

        await harness.Processor.HandleAsync(records, Ct);
        await harness.Processor.HandleAsync(records.Skip(10).ToList(), Ct);

        Assert.Equal(30, await harness.Database.ScalarAsync<long>("SELECT sum(fills_applied)::bigint FROM cell_cash"));
        Assert.Equal(29, await harness.Database.ScalarAsync<long>("SELECT handled_through FROM consumer_watermarks"));
        Assert.Equal(
            30,
            TopicReader
                .ReadAll(
                    harness.Kafka,
                    NavProcessor.OutputTopic,
                    expected: 31,
                    TimeSpan.FromSeconds(20),
                    TimeSpan.FromSeconds(1)
                )
                .Count
        );
    }

    [Fact]
    public async Task a_processor_disposed_synchronously_still_stores_the_marks_of_its_last_small_batch()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        var records = Enumerable
            .Range(0, 5)
            .Select(i => harness.Record(harness.FillEnvelope(Guid.NewGuid(), quantity: 1)))
            .ToList();
        await harness.Processor.HandleAsync(records, Ct);

        harness.Processor.Dispose();

        Assert.Equal(
            records[^1].Offset,
            await harness.Database.ScalarAsync<long>("SELECT handled_through FROM consumer_watermarks")
        );
    }

    [Fact]
    public async Task new_records_of_a_recreated_topic_at_old_offsets_are_applied()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        var before = DateTimeOffset.UtcNow.AddMinutes(-5);
        await harness.Processor.HandleAsync(
            Enumerable
                .Range(0, 10)
                .Select(i => ProcessorHarness.RecordAt(i, harness.FillEnvelope(Guid.NewGuid(), quantity: 1), before))
                .ToList(),
            Ct
        );

        // The topic was deleted and created again: offsets restart, the records are new and appended later.
        var after = DateTimeOffset.UtcNow.AddSeconds(5);
        await harness.Processor.HandleAsync(
            Enumerable
                .Range(0, 4)
                .Select(i => ProcessorHarness.RecordAt(i, harness.FillEnvelope(Guid.NewGuid(), quantity: 1), after))
                .ToList(),
            Ct
        );

        Assert.Equal(14, await harness.Database.ScalarAsync<long>("SELECT fills_applied FROM cell_cash"));
        Assert.Equal(9, await harness.Database.ScalarAsync<long>("SELECT handled_through FROM consumer_watermarks"));
    }

    // 40 fills make one small group (locked, looked up and loaded in one round trip); 600 make large groups (looked
    // up before any lock, processed rows written by COPY).
    [Theory]
    [InlineData(40)]
    [InlineData(600)]
    public async Task the_same_fills_produced_again_at_new_offsets_are_applied_once_and_not_emitted_again(int fills)
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        var envelopes = Enumerable
            .Range(0, fills)
            .Select(i => harness.FillEnvelope(Guid.NewGuid(), quantity: 2, cell: $"c{i % 4}"))
            .ToList();
        await harness.Processor.HandleAsync(envelopes.Select(harness.Record).ToList(), Ct);

        await harness.Processor.HandleAsync(envelopes.Select(harness.Record).ToList(), Ct);

        Assert.Equal(
            2 * fills,
            await harness.Database.ScalarAsync<long>("SELECT sum(quantity)::bigint FROM cell_positions")
        );
        Assert.Equal(fills, await harness.Database.CountAsync("processed_events"));
        var updates = TopicReader.ReadAll(
            harness.Kafka,
            NavProcessor.OutputTopic,
            expected: fills + 1,
            TimeSpan.FromSeconds(20),
            TimeSpan.FromSeconds(1)
        );
        Assert.Equal(
            fills,
            updates.Select(u => EventEnvelope.Parser.ParseFrom(u.Message.Value).EventId).Distinct().Count()
        );
        Assert.Equal(fills, updates.Count);
    }

    [Fact]
    public async Task a_redelivered_batch_whose_updates_kafka_never_acknowledged_reemits_the_identical_updates()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        var records = Enumerable
            .Range(0, 20)
            .Select(i => harness.Record(harness.FillEnvelope(Guid.NewGuid(), quantity: 1, cell: $"c{i % 4}")))
            .ToList();
        await harness.Processor.HandleAsync(records, Ct);
        await harness.Processor.DisposeAsync();
        // As if the process had died between its Postgres commit and Kafka's acknowledgement: no mark is stored, and
        // the restarted processor knows nothing of the first one's.
        await harness.Database.ExecuteAsync("DELETE FROM consumer_watermarks");
        await using var restarted = harness.NewProcessor();

        await restarted.HandleAsync(records, Ct);

        Assert.Equal(20, await harness.Database.CountAsync("processed_events"));
        Assert.Equal(20, await harness.Database.ScalarAsync<long>("SELECT sum(fills_applied)::bigint FROM cell_cash"));
        var updates = TopicReader.ReadAll(
            harness.Kafka,
            NavProcessor.OutputTopic,
            expected: 40,
            TimeSpan.FromSeconds(20)
        );
        Assert.Equal(40, updates.Count);
        Assert.All(updates.GroupBy(u => EventEnvelope.Parser.ParseFrom(u.Message.Value).EventId), g =>
            Assert.Equal(2, g.Select(u => Convert.ToHexString(u.Message.Value)).Count())
        );
        Assert.All(updates.GroupBy(u => EventEnvelope.Parser.ParseFrom(u.Message.Value).EventId), g =>
            Assert.Single(g.Select(u => Convert.ToHexString(u.Message.Value)).Distinct())
        );
    }
}
