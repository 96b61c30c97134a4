using System.Globalization;
using System.Text.Json;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Keys;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.LocalHost;
using PitPlatform.Processing.Usage;
using PitPlatform.Testing;
using Xunit;
using static PitPlatform.EndToEnd.Tests.RecentEventsApi;

namespace PitPlatform.EndToEnd.Tests;

/// <summary>
/// The logs' "where it went" beyond applied: an event the client sent twice is listed once, with its deduplicated
/// later delivery, and an LLM call the usage aggregator dead-lettered is listed with its reason.
/// </summary>
public sealed class recent_events_deduplicated_and_dead_lettered(
    PostgresFixture postgres,
    KafkaFixture kafka,
    BlobFixture blob
)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Day = "from=2026-11-22T00:00:00Z&to=2026-11-23T00:00:00Z";

    [Fact]
    public async Task an_event_sent_twice_shows_as_deduplicated_once_in_logs()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var call = Guid.NewGuid();
        var once = Guid.NewGuid();
        await PostAsync(pipeline.Http, Call(call, "assistant", "gpt-4o", "2026-11-22T09:30:00Z"));
        await PostAsync(pipeline.Http, Call(once, "assistant", "gpt-4o", "2026-11-22T09:00:00Z"));
        await PostAsync(pipeline.Http, Call(call, "assistant", "gpt-4o", "2026-11-22T09:30:00Z"));

        var all = await WaitForAsync(pipeline.Http, Day, e => e.Count == 2 && e.Sum(Duplicates) == 1);

        Assert.Equal(
            [(call, "counted", 1L), (once, "counted", 0L)],
            all.Select(e => (Id(e), Status(e), Duplicates(e)))
        );
        var deduplicated = await ListAsync(pipeline.Http, $"{Day}&status=deduplicated");
        Assert.Equal([call], deduplicated.GetProperty("data").EnumerateArray().Select(Id));
        var detail = (await DetailAsync(pipeline.Http, call)).GetProperty("deduplicated");
        Assert.Equal(1, detail.GetProperty("deliveries").GetInt64());
        Assert.Equal(detail.GetProperty("first_at").GetDateTime(), detail.GetProperty("last_at").GetDateTime());
        Assert.False((await DetailAsync(pipeline.Http, once)).TryGetProperty("deduplicated", out _));
        var overview = JsonDocument
            .Parse(await pipeline.Http.GetStringAsync($"/v1/stats/overview?{Day}", Ct))
            .RootElement;
        Assert.Equal(2, overview.GetProperty("accepted").GetInt64());
    }

    [Fact]
    public async Task an_llm_call_the_usage_aggregator_dead_lettered_is_listed_with_its_reason()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var bad = Guid.NewGuid();
        // The edge refuses such a call, so it goes to Kafka directly, as a client of an older edge could have sent it.
        var envelope = new EnvelopeBuilder(TopicCatalog.Embedded, "test/1.0").Build(
            bad,
            DateTimeOffset.Parse("2026-11-22T09:30:00Z", CultureInfo.InvariantCulture),
            UsageAggregator.LlmCallTopic,
            CanonicalKey.ForSeries(DevApiKey.Tenant, "assistant"),
            new LlmCallEvent
            {
                Model = "gpt-4o",
                InputTokens = -1,
                OutputTokens = 1,
                UserRefHash = new string('b', 64),
            }
        );
        await pipeline.Service<EnvelopeProducer>().ProduceAsync(envelope, Ct);

        var listed = await WaitForAsync(pipeline.Http, $"{Day}&status=dead_lettered", e => e.Count == 1);

        Assert.Equal(bad, Id(listed[0]));
        Assert.Equal("gpt-4o", listed[0].GetProperty("model").GetString());
        var letter = Assert.Single(
            (await DetailAsync(pipeline.Http, bad)).GetProperty("dead_lettered_by").EnumerateArray()
        );
        Assert.Equal(UsageAggregator.Group, letter.GetProperty("consumer").GetString());
        Assert.Equal("invalid_payload", letter.GetProperty("reason").GetString());
        var overview = JsonDocument
            .Parse(await pipeline.Http.GetStringAsync($"/v1/stats/overview?{Day}", Ct))
            .RootElement;
        Assert.Equal(0, overview.GetProperty("accepted").GetInt64());
        Assert.Empty(overview.GetProperty("by_type_and_status").EnumerateArray());
        Assert.True(overview.GetProperty("dead_lettered").GetInt64() >= 1);
    }

    private static long Duplicates(JsonElement e) => e.GetProperty("duplicates").GetInt64();
}
