using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.EndToEnd.Tests;

/// <summary>POST /v1/events (runtime.llm_call) -> Kafka -> usage aggregator -> GET /v1/usage, over real HTTP.</summary>
public sealed class llm_usage_slice(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task posted_calls_become_daily_usage_counted_once_with_totals()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var first = Guid.NewGuid();

        await PostAsync(pipeline.Http, Call(first, "gpt-4o", 100, 20, 1_500, "2026-11-22T09:00:00Z"));
        await PostAsync(pipeline.Http, Call(first, "gpt-4o", 100, 20, 1_500, "2026-11-22T09:00:00Z"));
        await PostAsync(pipeline.Http, Call(Guid.NewGuid(), "gpt-4o", 50, 5, 700, "2026-11-22T23:30:00Z"));
        await PostAsync(pipeline.Http, Call(Guid.NewGuid(), "gpt-4o-mini", 10, 10, 30, "2026-11-23T00:10:00Z"));

        var usage = await WaitForUsageAsync(pipeline.Http, "from=2026-11-22&to=2026-11-23", calls: 3);
        Assert.Equal(
            ["2026-11-22 gpt-4o USD 2 150 25 2200", "2026-11-23 gpt-4o-mini USD 1 10 10 30"],
            usage.GetProperty("data").EnumerateArray().Select(Line)
        );
        var total = Assert.Single(usage.GetProperty("meta").GetProperty("totals").EnumerateArray().ToList());
        Assert.Equal(
            (3L, 160L, 35L, 2230L),
            (
                total.GetProperty("calls").GetInt64(),
                total.GetProperty("input_tokens").GetInt64(),
                total.GetProperty("output_tokens").GetInt64(),
                total.GetProperty("cost_micros").GetInt64()
            )
        );
        Assert.Equal(2, usage.GetProperty("meta").GetProperty("days").GetInt32());
        Assert.Equal(3, await pipeline.Database.CountAsync("llm_calls"));
    }

    [Fact]
    public async Task each_tenant_reads_only_its_own_usage()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var otherKey = await pipeline
            .Service<ApiKeyStore>()
            .CreateAsync("acme", [ApiKeyScope.Ingest, ApiKeyScope.Read], "usage isolation", cancellationToken: Ct);
        using var other = new HttpClient { BaseAddress = pipeline.Host.BaseAddress };
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", otherKey.ToString());

        await PostAsync(pipeline.Http, Call(Guid.NewGuid(), "gpt-4o", 1, 1, 5, "2026-11-22T09:00:00Z"));
        await PostAsync(other, Call(Guid.NewGuid(), "claude", 9, 9, 900, "2026-11-22T09:00:00Z"));
        await PostAsync(other, Call(Guid.NewGuid(), "claude", 9, 9, 900, "2026-11-22T10:00:00Z"));

        var mine = await WaitForUsageAsync(pipeline.Http, "from=2026-11-22&to=2026-11-22", calls: 1);
        var theirs = await WaitForUsageAsync(other, "from=2026-11-22&to=2026-11-22", calls: 2);
        Assert.Equal(["2026-11-22 gpt-4o USD 1 1 1 5"], mine.GetProperty("data").EnumerateArray().Select(Line));
        Assert.Equal(["2026-11-22 claude USD 2 18 18 1800"], theirs.GetProperty("data").EnumerateArray().Select(Line));
    }

    [Fact]
    public async Task a_call_without_cost_counts_its_tokens_and_shows_no_currency()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var body = JsonSerializer.Serialize(
            new
            {
                data = new[]
                {
                    new
                    {
                        type = "runtime.llm_call",
                        ts = "2026-11-22T09:00:00Z",
                        series = "assistant",
                        payload = new
                        {
                            model = "local-llm",
                            input_tokens = 12,
                            output_tokens = 3,
                        },
                    },
                },
            }
        );

        await PostAsync(pipeline.Http, body);

        var usage = await WaitForUsageAsync(pipeline.Http, "from=2026-11-22&to=2026-11-22", calls: 1);
        var row = Assert.Single(usage.GetProperty("data").EnumerateArray().ToList());
        Assert.False(row.TryGetProperty("currency", out _));
        Assert.Equal(
            (12L, 3L, 0L),
            (
                row.GetProperty("input_tokens").GetInt64(),
                row.GetProperty("output_tokens").GetInt64(),
                row.GetProperty("cost_micros").GetInt64()
            )
        );
        Assert.False(
            Assert
                .Single(usage.GetProperty("meta").GetProperty("totals").EnumerateArray().ToList())
                .TryGetProperty("currency", out _)
        );
    }

    [Fact]
    public async Task bad_ranges_get_structured_400s_and_the_default_is_the_last_30_days()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);

        foreach (
            var (query, parameter) in new[]
            {
                ("from=2026-11-30&to=2026-11-01", "from/to"),
                ("from=2026-11-31", "from"),
                ("to=22-11-2026", "to"),
                ("from=2025-01-01&to=2026-11-30", "from/to"),
                ("from=2026-11-22T00:00:00Z", "from"),
            }
        )
        {
            var response = await pipeline.Http.GetAsync($"/v1/usage?{query}", Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = JsonDocument
                .Parse(await response.Content.ReadAsStringAsync(Ct))
                .RootElement.GetProperty("error");
            Assert.Equal("ERR_VALIDATION", error.GetProperty("code").GetString());
            Assert.Equal(parameter, error.GetProperty("details").GetProperty("parameter").GetString());
        }

        var answer = JsonDocument.Parse(await pipeline.Http.GetStringAsync("/v1/usage", Ct)).RootElement;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Equal(
            today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            answer.GetProperty("meta").GetProperty("to").GetString()
        );
        Assert.Equal(
            today.AddDays(-29).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            answer.GetProperty("meta").GetProperty("from").GetString()
        );
        Assert.Equal(0, answer.GetProperty("data").GetArrayLength());
    }

    private static string Call(Guid id, string model, long input, long output, long cost, string ts) =>
        JsonSerializer.Serialize(
            new
            {
                data = new[]
                {
                    new
                    {
                        type = "runtime.llm_call",
                        event_id = id,
                        ts,
                        series = "assistant",
                        payload = new
                        {
                            model,
                            input_tokens = input,
                            output_tokens = output,
                            prompt = "hello",
                            response = "hi",
                            cost_micros = cost,
                            currency = "USD",
                        },
                    },
                },
            }
        );

    private static async Task PostAsync(HttpClient client, string body)
    {
        var response = await client.PostAsync(
            "/v1/events",
            new StringContent(body, Encoding.UTF8, "application/json"),
            Ct
        );
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Ct));
    }

    private static Task<JsonElement> WaitForUsageAsync(HttpClient client, string query, long calls) =>
        Eventually.WaitForAsync(
            async () => JsonDocument.Parse(await client.GetStringAsync($"/v1/usage?{query}", Ct)).RootElement.Clone(),
            usage =>
                usage
                    .GetProperty("meta")
                    .GetProperty("totals")
                    .EnumerateArray()
                    .Sum(t => t.GetProperty("calls").GetInt64()) >= calls,
            Patience,
            $"{calls} calls in GET /v1/usage?{query}"
        );

    private static string Line(JsonElement row) =>
        $"{row.GetProperty("day").GetString()} {row.GetProperty("model").GetString()} "
        + $"{row.GetProperty("currency").GetString()} "
        + $"{row.GetProperty("calls").GetInt64()} {row.GetProperty("input_tokens").GetInt64()} "
        + $"{row.GetProperty("output_tokens").GetInt64()} {row.GetProperty("cost_micros").GetInt64()}";
}
