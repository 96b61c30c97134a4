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

        await harness.Processor.HandleAsync(
            [harness.Record("t/evil/s/alpha/c/0001"u8.ToArray(), envelope.ToByteArray())],
            Ct
        );

        Assert.Equal(0, await harness.Database.CountAsync("cell_cash"));
        Assert.Equal("key_mismatch", SingleDeadLetter(harness).Reason);
    }

    private static DeadLetter SingleDeadLetter(ProcessorHarness harness)
    {
        var records = TopicReader.ReadAll(harness.Kafka, DeadLetterWriter.Topic, expected: 1, TimeSpan.FromSeconds(20));
        var envelope = EventEnvelope.Parser.ParseFrom(Assert.Single(records).Message.Value);
        return DeadLetter.Parser.ParseFrom(envelope.Payload);
    }
}
