using Npgsql;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Processing.Nav;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Processing.Tests;

/// <summary>
/// A small batch writes its state, its processed rows, the marks before it and its commit in one round trip; when that
/// fails, none of it happened. Its NAV updates were produced while that round trip was in flight, and the redelivery
/// emits the same ones again; a large batch emits only after its commit.
/// </summary>
public sealed class nav_processor_write_failures(PostgresFixture postgres, KafkaFixture kafka)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Postgres refuses any position in instrument FAIL, as a constraint would.</summary>
    private const string RefuseInstrumentFail = """
        CREATE FUNCTION refuse_fail() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.instrument = 'FAIL' THEN RAISE EXCEPTION 'injected write failure'; END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_fail BEFORE INSERT OR UPDATE ON cell_positions FOR EACH ROW EXECUTE FUNCTION refuse_fail();
        """;

    /// <summary>
    /// Applies ten fills over cells c0 and c1, makes FAIL positions refused, and returns a batch whose second fill is
    /// one.
    /// </summary>
    private static async Task<ConsumedRecord[]> TenAppliedThenAFailingPairAsync(ProcessorHarness harness)
    {
        var first = Enumerable
            .Range(0, 10)
            .Select(i => harness.Record(harness.FillEnvelope(Guid.NewGuid(), quantity: 1, cell: $"c{i % 2}")))
            .ToList();
        await harness.Processor.HandleAsync(first, Ct);
        await harness.Database.ExecuteAsync(RefuseInstrumentFail);
        return
        [
            harness.Record(harness.FillEnvelope(Guid.NewGuid(), quantity: 1, cell: "c1")),
            harness.Record(harness.FillEnvelope(Guid.NewGuid(), quantity: 3, cell: "c0", instrument: "FAIL")),
        ];
    }

    [Fact]
    public async Task a_small_batch_whose_write_fails_changes_nothing_and_is_applied_once_when_redelivered()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        var second = await TenAppliedThenAFailingPairAsync(harness);

        await Assert.ThrowsAsync<PostgresException>(() => harness.Processor.HandleAsync(second, Ct));

        Assert.Equal(10, await harness.Database.CountAsync("processed_events"));
        Assert.Equal(10, await harness.Database.ScalarAsync<long>("SELECT sum(fills_applied)::bigint FROM cell_cash"));
        Assert.Equal(0, await harness.Database.CountAsync("cell_positions", "instrument = 'FAIL'"));

        // Fixed and redelivered: applied once, on connections the failure left clean.
        await harness.Database.ExecuteAsync("DROP TRIGGER refuse_fail ON cell_positions");
        await harness.Processor.HandleAsync(second, Ct);
        await harness.Processor.HandleAsync(second, Ct);
        await harness.Processor.DisposeAsync();

        Assert.Equal(12, await harness.Database.CountAsync("processed_events"));
        Assert.Equal(12, await harness.Database.ScalarAsync<long>("SELECT sum(fills_applied)::bigint FROM cell_cash"));
        Assert.Equal(
            3,
            await harness.Database.ScalarAsync<long>("SELECT quantity FROM cell_positions WHERE instrument = 'FAIL'")
        );
        Assert.Equal(
            second[^1].Offset,
            await harness.Database.ScalarAsync<long>("SELECT handled_through FROM consumer_watermarks")
        );
    }

    [Fact]
    public async Task the_updates_a_failed_small_write_emitted_are_identical_to_those_of_its_redelivery()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        var second = await TenAppliedThenAFailingPairAsync(harness);
        await Assert.ThrowsAsync<PostgresException>(() => harness.Processor.HandleAsync(second, Ct));
        await harness.Database.ExecuteAsync("DROP TRIGGER refuse_fail ON cell_positions");

        await harness.Processor.HandleAsync(second, Ct);

        // 10 updates, then the second batch's two twice: once from the failed attempt, once from the redelivery.
        var updates = TopicReader.ReadAll(
            harness.Kafka,
            NavProcessor.OutputTopic,
            expected: 14,
            TimeSpan.FromSeconds(20),
            TimeSpan.FromSeconds(1)
        );
        Assert.Equal(14, updates.Count);
        var byEvent = updates.GroupBy(u => EventEnvelope.Parser.ParseFrom(u.Message.Value).EventId).ToList();
        Assert.Equal(12, byEvent.Count);
        Assert.All(byEvent, g => Assert.Single(g.Select(u => Convert.ToHexString(u.Message.Value)).Distinct()));
    }

    [Fact]
    public async Task a_large_batch_whose_write_fails_emits_nothing_until_its_redelivery_commits()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        await harness.Database.ExecuteAsync(RefuseInstrumentFail);
        var batch = Enumerable
            .Range(0, 150)
            .Select(i =>
                harness.Record(
                    harness.FillEnvelope(
                        Guid.NewGuid(),
                        quantity: 1,
                        cell: $"c{i % 3}",
                        instrument: i == 75 ? "FAIL" : "ACME"
                    )
                )
            )
            .ToList();
        await Assert.ThrowsAsync<PostgresException>(() => harness.Processor.HandleAsync(batch, Ct));
        await harness.Database.ExecuteAsync("DROP TRIGGER refuse_fail ON cell_positions");

        await harness.Processor.HandleAsync(batch, Ct);

        Assert.Equal(150, await harness.Database.CountAsync("processed_events"));
        // An update of the failed attempt would have been produced before the redelivery's, so a second's wait after
        // the 150th would find it.
        var updates = TopicReader.ReadAll(
            harness.Kafka,
            NavProcessor.OutputTopic,
            expected: 150,
            TimeSpan.FromSeconds(20),
            TimeSpan.FromSeconds(1)
        );
        Assert.Equal(150, updates.Count);
        Assert.Equal(
            150,
            updates.Select(u => EventEnvelope.Parser.ParseFrom(u.Message.Value).EventId).Distinct().Count()
        );
    }
}
