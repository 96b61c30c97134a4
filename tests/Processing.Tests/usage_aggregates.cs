using PitPlatform.Processing.DeadLetters;
using PitPlatform.Processing.Nav;
using PitPlatform.Processing.Usage;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Processing.Tests;

/// <summary>
/// LLM usage per tenant, UTC day, model and currency, and events per tenant, day and topic: exact, each event once.
/// </summary>
public sealed class usage_aggregates(PostgresFixture postgres, KafkaFixture kafka)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task calls_add_up_exactly_per_tenant_utc_day_model_and_currency()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        var batch = new[]
        {
            harness.Record(
                harness.CallEnvelope(
                    Guid.NewGuid(),
                    UsageHarness.Call(input: 100, output: 20, cost: 1_500),
                    ts: "2026-11-22T00:00:00Z"
                )
            ),
            harness.Record(
                harness.CallEnvelope(
                    Guid.NewGuid(),
                    UsageHarness.Call(input: 250, output: 30, cost: 2_750),
                    ts: "2026-11-22T23:59:59.999Z"
                )
            ),
            harness.Record(
                harness.CallEnvelope(
                    Guid.NewGuid(),
                    UsageHarness.Call(input: 7, output: 1, cost: 11),
                    ts: "2026-11-23T00:00:00Z"
                )
            ),
            harness.Record(
                harness.CallEnvelope(
                    Guid.NewGuid(),
                    UsageHarness.Call(model: "gpt-4o-mini", input: 5, output: 5, cost: 3)
                )
            ),
            harness.Record(
                harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call(currency: "EUR", input: 1, output: 2, cost: 4))
            ),
            harness.Record(
                harness.CallEnvelope(
                    Guid.NewGuid(),
                    UsageHarness.Call(input: 1_000, output: 1_000, cost: 1_000_000),
                    tenant: "other"
                )
            ),
        };

        await harness.Aggregator.HandleAsync(batch[..3], Ct);
        await harness.Aggregator.HandleAsync(batch[3..], Ct);

        Assert.Equal(
            [
                "demo 2026-11-22 gpt-4o EUR 1 1 2 4",
                "demo 2026-11-22 gpt-4o USD 2 350 50 4250",
                "demo 2026-11-22 gpt-4o-mini USD 1 5 5 3",
                "demo 2026-11-23 gpt-4o USD 1 7 1 11",
                "other 2026-11-22 gpt-4o USD 1 1000 1000 1000000",
            ],
            await UsageRowsAsync(harness)
        );
        Assert.Equal(6, await harness.Database.CountAsync("llm_calls"));
        Assert.Equal(
            4,
            await harness.Database.ScalarAsync<long>(
                "SELECT events FROM events_daily WHERE tenant = 'demo' AND day = '2026-11-22' AND topic = "
                    + "'pit.v1.runtime.llm_call'"
            )
        );
    }

    [Fact]
    public async Task a_redelivered_call_is_counted_once()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        var call = harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call(input: 10, output: 2, cost: 99));

        await harness.Aggregator.HandleAsync([harness.Record(call), harness.Record(call)], Ct);
        await harness.Aggregator.HandleAsync([harness.Record(call)], Ct);

        Assert.Equal(["demo 2026-11-22 gpt-4o USD 1 10 2 99"], await UsageRowsAsync(harness));
        Assert.Equal(1, await harness.Database.CountAsync("llm_calls"));
        Assert.Equal(1, await harness.Database.CountAsync("processed_events", "consumer = 'usage-aggregator'"));
        Assert.Empty(TopicReader.ReadAll(harness.Kafka, DeadLetterWriter.Topic, expected: 1, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task the_same_call_id_with_another_payload_is_dead_lettered_as_an_idempotency_conflict()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        var id = Guid.NewGuid();
        await harness.Aggregator.HandleAsync(
            [harness.Record(harness.CallEnvelope(id, UsageHarness.Call(cost: 10)))],
            Ct
        );

        var conflicting = harness.Record(harness.CallEnvelope(id, UsageHarness.Call(cost: 999_999)));
        await harness.Aggregator.HandleAsync([conflicting], Ct);

        Assert.Equal(["demo 2026-11-22 gpt-4o USD 1 100 20 10"], await UsageRowsAsync(harness));
        var letter = Assert.Single(harness.DeadLetters(1));
        Assert.Equal(DeadLetterReason.IdempotencyConflict, letter.Reason);
        Assert.Equal(conflicting.Offset, letter.SourceOffset);
        Assert.Equal(UsageAggregator.Group, letter.ConsumerGroup);
    }

    [Fact]
    public async Task a_total_that_would_overflow_is_dead_lettered_and_the_rest_applied()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        await harness.Aggregator.HandleAsync(
            [harness.Record(harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call(cost: long.MaxValue - 5)))],
            Ct
        );

        var overflowing = harness.Record(harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call(cost: 6)));
        var fine = harness.Record(harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call(cost: 5)));
        await harness.Aggregator.HandleAsync([overflowing, fine], Ct);

        Assert.Equal([$"demo 2026-11-22 gpt-4o USD 2 200 40 {long.MaxValue}"], await UsageRowsAsync(harness));
        var letter = Assert.Single(harness.DeadLetters(1));
        Assert.Equal(DeadLetterReason.ArithmeticOverflow, letter.Reason);
        Assert.Equal(overflowing.Offset, letter.SourceOffset);
        Assert.Equal(2, await harness.Database.CountAsync("llm_calls"));
    }

    [Fact]
    public async Task poison_records_are_dead_lettered_with_their_reason_and_never_counted()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        var batch = new[]
        {
            harness.Record(UsageAggregator.LlmCallTopic, "t/demo/s/assistant"u8.ToArray(), "not protobuf"u8.ToArray()),
            harness.Record(harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call(cost: -1))),
            harness.Record(harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call(currency: "usd"))),
            harness.Record(harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call(cost: 7))),
        };

        await harness.Aggregator.HandleAsync(batch, Ct);

        Assert.Equal(["demo 2026-11-22 gpt-4o USD 1 100 20 7"], await UsageRowsAsync(harness));
        Assert.Equal(
            ["invalid_payload", "invalid_payload", "not_envelope"],
            harness.DeadLetters(3).Select(l => l.Reason).Order()
        );
    }

    [Fact]
    public async Task a_call_without_cost_or_currency_counts_its_tokens_under_no_currency()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);

        await harness.Aggregator.HandleAsync(
            [
                harness.Record(
                    harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call(currency: "", cost: 0, input: 12, output: 3))
                ),
            ],
            Ct
        );

        Assert.Equal(["demo 2026-11-22 gpt-4o  1 12 3 0"], await UsageRowsAsync(harness));
    }

    [Fact]
    public async Task trade_fills_and_calls_are_counted_per_tenant_day_and_topic_each_event_once()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        var fill = harness.FillEnvelope(Guid.NewGuid());
        var batch = new[]
        {
            harness.Record(fill),
            harness.Record(harness.FillEnvelope(Guid.NewGuid(), ts: "2026-11-23T08:00:00Z")),
            harness.Record(harness.FillEnvelope(Guid.NewGuid(), tenant: "other")),
            harness.Record(harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call())),
            harness.Record(fill),
        };

        await harness.Aggregator.HandleAsync(batch, Ct);
        await harness.Aggregator.HandleAsync([harness.Record(fill)], Ct);

        var counts = new List<string>();
        await using (
            var command = harness.Database.DataSource.CreateCommand(
                "SELECT tenant, day, topic, events FROM events_daily ORDER BY 1, 2, 3"
            )
        )
        await using (var reader = await command.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
                counts.Add(
                    $"{reader.GetString(0)} {reader.GetFieldValue<DateOnly>(1):yyyy-MM-dd} "
                        + $"{reader.GetString(2)} {reader.GetInt64(3)}"
                );
        }
        Assert.Equal(
            [
                $"demo 2026-11-22 {NavProcessor.InputTopic} 1",
                $"demo 2026-11-22 {UsageAggregator.LlmCallTopic} 1",
                $"demo 2026-11-23 {NavProcessor.InputTopic} 1",
                $"other 2026-11-22 {NavProcessor.InputTopic} 1",
            ],
            counts
        );
        Assert.Equal(0, await harness.Database.CountAsync("cell_cash"));
    }

    [Fact]
    public async Task a_postgres_failure_propagates_so_the_batch_is_retried_and_nothing_is_dead_lettered()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        var call = harness.Record(harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call()));
        await harness.Database.ExecuteAsync("ALTER TABLE usage_daily RENAME TO usage_daily_away");

        await Assert.ThrowsAnyAsync<Npgsql.NpgsqlException>(() => harness.Aggregator.HandleAsync([call], Ct));

        await harness.Database.ExecuteAsync("ALTER TABLE usage_daily_away RENAME TO usage_daily");
        await harness.Aggregator.HandleAsync([call], Ct);
        Assert.Equal(["demo 2026-11-22 gpt-4o USD 1 100 20 1500"], await UsageRowsAsync(harness));
        Assert.Empty(TopicReader.ReadAll(harness.Kafka, DeadLetterWriter.Topic, expected: 1, TimeSpan.FromSeconds(1)));
    }

    private static async Task<List<string>> UsageRowsAsync(UsageHarness harness)
    {
        var rows = new List<string>();
        await using var command = harness.Database.DataSource.CreateCommand(
            "SELECT tenant, day, model, currency, calls, input_tokens, output_tokens, cost_micros FROM "
                + "usage_daily ORDER BY 1, 2, 3, 4"
        );
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(
                $"{reader.GetString(0)} {reader.GetFieldValue<DateOnly>(1):yyyy-MM-dd} {reader.GetString(2)} "
                    + $"{reader.GetString(3)} "
                    + $"{reader.GetInt64(4)} {reader.GetInt64(5)} {reader.GetInt64(6)} {reader.GetInt64(7)}"
            );
        }
        return rows;
    }
}
