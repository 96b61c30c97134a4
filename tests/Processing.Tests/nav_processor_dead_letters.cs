using Google.Protobuf;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Processing.Nav;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Processing.Tests;

/// <summary>Poison records are dead-lettered with their reason and never block or corrupt their neighbours.</summary>
public sealed class nav_processor_dead_letters(PostgresFixture postgres, KafkaFixture kafka)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_poison_record_in_the_middle_of_a_batch_is_dead_lettered_and_its_neighbours_applied()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        var batch = new[]
        {
            harness.Record(harness.FillEnvelope(Guid.NewGuid(), quantity: 1)),
            harness.Record("t/demo/s/alpha/c/0001"u8.ToArray(), "not protobuf at all"u8.ToArray()),
            harness.Record(harness.FillEnvelope(Guid.NewGuid(), quantity: 2)),
        };

        await harness.Processor.HandleAsync(batch, Ct);

        Assert.Equal(2, await harness.Database.ScalarAsync<long>("SELECT fills_applied FROM cell_cash"));
        Assert.Equal(3, await harness.Database.ScalarAsync<long>("SELECT quantity FROM cell_positions"));
        var letter = SingleDeadLetter(harness);
        Assert.Equal("not_envelope", letter.Reason);
        Assert.Equal(batch[1].Offset, letter.SourceOffset);
        Assert.Equal(NavProcessor.InputTopic, letter.SourceTopic);
        Assert.Equal(batch[1].Value, letter.OriginalValue.ToByteArray());
    }

    [Fact]
    public async Task the_same_event_id_with_another_payload_is_an_idempotency_conflict()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        var id = Guid.NewGuid();
        await harness.Processor.HandleAsync([harness.Record(harness.FillEnvelope(id, quantity: 1))], Ct);

        await harness.Processor.HandleAsync([harness.Record(harness.FillEnvelope(id, quantity: 5))], Ct);

        Assert.Equal(1, await harness.Database.ScalarAsync<long>("SELECT quantity FROM cell_positions"));
        Assert.Equal(DeadLetterReason.IdempotencyConflict, SingleDeadLetter(harness).Reason);
    }

    [Fact]
    public async Task an_overflowing_fill_is_dead_lettered_as_arithmetic_overflow_not_a_crash()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        var huge = harness.FillEnvelope(Guid.NewGuid(), quantity: 1_000_000_000_000, price: long.MaxValue / 10);
        var fine = harness.FillEnvelope(Guid.NewGuid(), quantity: 3);

        await harness.Processor.HandleAsync([harness.Record(huge), harness.Record(fine)], Ct);

        Assert.Equal(3, await harness.Database.ScalarAsync<long>("SELECT quantity FROM cell_positions"));
        Assert.Equal(DeadLetterReason.ArithmeticOverflow, SingleDeadLetter(harness).Reason);
    }

    [Fact]
    public async Task a_record_keyed_for_another_tenant_is_a_key_mismatch()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        var envelope = harness.FillEnvelope(Guid.NewGuid());

        await harness.Processor.HandleAsync([harness.Record("t/evil/s/alpha/c/0001"u8.ToArray(), envelope.ToByteArray())], Ct);

        Assert.Equal(0, await harness.Database.CountAsync("cell_cash"));
        Assert.Equal("key_mismatch", SingleDeadLetter(harness).Reason);
    }

    [Fact]
    public async Task a_batch_delivered_twice_applies_once_and_emits_each_update_once()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        var envelopes = Enumerable.Range(0, 50).Select(i => harness.FillEnvelope(Guid.NewGuid(), quantity: 1, cell: $"c{i % 5}")).ToList();

        await harness.Processor.HandleAsync(envelopes.Select(harness.Record).ToList(), Ct);
        await harness.Processor.HandleAsync(envelopes.Select(harness.Record).ToList(), Ct);

        Assert.Equal(50, await harness.Database.CountAsync("processed_events"));
        Assert.Equal(50, await harness.Database.ScalarAsync<long>("SELECT sum(quantity)::bigint FROM cell_positions"));
        var updates = TopicReader.ReadAll(harness.Kafka, NavProcessor.OutputTopic, expected: 100, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(1));
        Assert.Equal(50, updates.Select(u => EventEnvelope.Parser.ParseFrom(u.Message.Value).EventId).Distinct().Count());
        Assert.Equal(50, updates.Count);
    }

    [Fact]
    public async Task a_redelivered_batch_whose_updates_kafka_never_acknowledged_reemits_the_identical_updates()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        var records = Enumerable.Range(0, 20).Select(i => harness.Record(harness.FillEnvelope(Guid.NewGuid(), quantity: 1, cell: $"c{i % 4}"))).ToList();
        await harness.Processor.HandleAsync(records, Ct);
        // As if the process had died between its Postgres commit and Kafka's acknowledgement.
        await harness.Database.ExecuteAsync("DELETE FROM consumer_emissions");

        await harness.Processor.HandleAsync(records, Ct);

        Assert.Equal(20, await harness.Database.CountAsync("processed_events"));
        Assert.Equal(20, await harness.Database.ScalarAsync<long>("SELECT sum(fills_applied)::bigint FROM cell_cash"));
        var updates = TopicReader.ReadAll(harness.Kafka, NavProcessor.OutputTopic, expected: 40, TimeSpan.FromSeconds(20));
        Assert.Equal(40, updates.Count);
        Assert.All(updates.GroupBy(u => EventEnvelope.Parser.ParseFrom(u.Message.Value).EventId),
            g => Assert.Equal(2, g.Select(u => Convert.ToHexString(u.Message.Value)).Count()));
        Assert.All(updates.GroupBy(u => EventEnvelope.Parser.ParseFrom(u.Message.Value).EventId),
            g => Assert.Single(g.Select(u => Convert.ToHexString(u.Message.Value)).Distinct()));
    }

    private static DeadLetter SingleDeadLetter(ProcessorHarness harness)
    {
        var records = TopicReader.ReadAll(harness.Kafka, DeadLetterWriter.Topic, expected: 1, TimeSpan.FromSeconds(20));
        var envelope = EventEnvelope.Parser.ParseFrom(Assert.Single(records).Message.Value);
        return DeadLetter.Parser.ParseFrom(envelope.Payload);
    }
}
