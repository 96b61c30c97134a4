using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Testing;
using Xunit;
using static PitPlatform.EndToEnd.Tests.RecentEventsApi;

namespace PitPlatform.EndToEnd.Tests;

/// <summary>
/// POST /v1/events -> Kafka -> usage aggregator (recent_events) and NAV processor -> GET /v1/events/recent,
/// GET /v1/events/recent/{event_id} and GET /v1/stats/overview, over real HTTP, Postgres and Kafka.
/// </summary>
public sealed class recent_events_logs(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Day = "from=2026-11-22T00:00:00Z&to=2026-11-23T00:00:00Z";

    [Fact]
    public async Task ingested_fills_and_calls_are_found_by_type_series_cell_model_and_status()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var fill = Guid.NewGuid();
        var call = Guid.NewGuid();
        await PostAsync(pipeline.Http, Fill(fill, "alpha", "c1", "2026-11-22T09:00:00Z"));
        await PostAsync(pipeline.Http, Call(call, "assistant", "gpt-4o", "2026-11-22T09:30:00Z"));
        await PostAsync(pipeline.Http, Call(call, "assistant", "gpt-4o", "2026-11-22T09:30:00Z"));

        var all = await WaitForAsync(pipeline.Http, Day, e => e.Count == 2 && e.Any(x => Status(x) == "applied"));
        Assert.Equal([call, fill], all.Select(Id));
        Assert.Equal([call], Ids(await ListAsync(pipeline.Http, $"{Day}&type=runtime.llm_call")));
        Assert.Equal([call], Ids(await ListAsync(pipeline.Http, $"{Day}&model=gpt-4o")));
        Assert.Equal([fill], Ids(await ListAsync(pipeline.Http, $"{Day}&series=alpha&cell=c1&status=applied")));
        Assert.Empty(Ids(await ListAsync(pipeline.Http, $"{Day}&series=alpha&status=pending")));
        Assert.Empty(Ids(await ListAsync(pipeline.Http, "from=2026-11-22T09:31:00Z&to=2026-11-23T00:00:00Z")));
        var listedCall = all[0];
        Assert.Equal("runtime.llm_call", listedCall.GetProperty("type").GetString());
        Assert.False(listedCall.TryGetProperty("prompt", out _));
        Assert.False(listedCall.TryGetProperty("cell", out _));
    }

    [Fact]
    public async Task an_events_detail_says_where_it_went_without_its_text()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var fill = Guid.NewGuid();
        var call = Guid.NewGuid();
        await PostAsync(pipeline.Http, Fill(fill, "alpha", "c1", "2026-11-22T09:00:00Z"));
        await PostAsync(pipeline.Http, Call(call, "assistant", "gpt-4o", "2026-11-22T09:30:00Z"));
        await WaitForAsync(pipeline.Http, Day, e => e.Count == 2 && e.Any(x => Status(x) == "applied"));

        var fillDetail = await DetailAsync(pipeline.Http, fill);
        Assert.Equal("applied", fillDetail.GetProperty("event").GetProperty("status").GetString());
        Assert.Equal(
            ["nav-processor", "usage-aggregator"],
            fillDetail
                .GetProperty("handled_by")
                .EnumerateArray()
                .Select(h => h.GetProperty("consumer").GetString()!)
                .Order(StringComparer.Ordinal)
        );
        Assert.False(fillDetail.TryGetProperty("llm_call", out _));

        var callDetail = await DetailAsync(pipeline.Http, call);
        var usage = callDetail.GetProperty("llm_call");
        Assert.Equal(
            (100L, 20L, 1_500L),
            (
                usage.GetProperty("input_tokens").GetInt64(),
                usage.GetProperty("output_tokens").GetInt64(),
                usage.GetProperty("cost_micros").GetInt64()
            )
        );
        Assert.DoesNotContain("secret prompt", callDetail.GetRawText(), StringComparison.Ordinal);
        Assert.False(usage.TryGetProperty("prompt", out _));
    }

    [Fact]
    public async Task each_tenant_sees_only_its_own_events()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var otherKey = await pipeline
            .Service<ApiKeyStore>()
            .CreateAsync("acme", [ApiKeyScope.Ingest, ApiKeyScope.Read], "logs isolation", cancellationToken: Ct);
        using var other = new HttpClient { BaseAddress = pipeline.Host.BaseAddress };
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", otherKey.ToString());
        var mine = Guid.NewGuid();
        var theirs = Guid.NewGuid();
        await PostAsync(pipeline.Http, Call(mine, "assistant", "gpt-4o", "2026-11-22T09:00:00Z"));
        await PostAsync(other, Call(theirs, "assistant", "claude", "2026-11-22T09:00:00Z"));

        Assert.Equal([mine], (await WaitForAsync(pipeline.Http, Day, e => e.Count >= 1)).Select(Id));
        Assert.Equal([theirs], (await WaitForAsync(other, Day, e => e.Count >= 1)).Select(Id));
        var response = await pipeline.Http.GetAsync($"/v1/events/recent/{theirs}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var overview = JsonDocument
            .Parse(await pipeline.Http.GetStringAsync($"/v1/stats/overview?{Day}", Ct))
            .RootElement;
        Assert.Equal(1, overview.GetProperty("accepted").GetInt64());
    }

    [Fact]
    public async Task pages_run_newest_first_without_gaps_or_repeats()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var ids = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        for (var i = 0; i < ids.Count; i++)
            await PostAsync(pipeline.Http, Call(ids[i], "assistant", "gpt-4o", $"2026-11-22T09:0{i}:00Z"));
        await WaitForAsync(pipeline.Http, Day, e => e.Count == 5);

        var seen = new List<Guid>();
        string? token = null;
        do
        {
            var page = await ListAsync(pipeline.Http, $"{Day}&limit=2" + (token is null ? "" : $"&page_token={token}"));
            seen.AddRange(Ids(page));
            token = page.GetProperty("meta").TryGetProperty("next_page_token", out var next) ? next.GetString() : null;
        } while (token is not null);

        Assert.Equal(Enumerable.Reverse(ids), seen);
    }

    [Fact]
    public async Task the_overview_counts_a_window_by_type_and_status_and_names_what_it_cannot_know()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        await PostAsync(pipeline.Http, Fill(Guid.NewGuid(), "alpha", "c1", "2026-11-22T09:00:00Z"));
        await PostAsync(pipeline.Http, Call(Guid.NewGuid(), "assistant", "gpt-4o", "2026-11-22T09:30:00Z"));
        await PostAsync(pipeline.Http, Call(Guid.NewGuid(), "assistant", "gpt-4o", "2026-11-24T09:30:00Z"));
        await WaitForAsync(pipeline.Http, "from=2026-11-22T00:00:00Z&to=2026-11-25T00:00:00Z", e =>
            e.Count == 3 && e.Any(x => Status(x) == "applied")
        );

        var overview = JsonDocument
            .Parse(await pipeline.Http.GetStringAsync($"/v1/stats/overview?{Day}", Ct))
            .RootElement;

        Assert.Equal(2, overview.GetProperty("accepted").GetInt64());
        Assert.Equal(0, overview.GetProperty("pending").GetInt64());
        Assert.Equal(
            ["exec.trade_fill applied 1", "runtime.llm_call counted 1"],
            overview
                .GetProperty("by_type_and_status")
                .EnumerateArray()
                .Select(r =>
                    $"{r.GetProperty("type").GetString()} {r.GetProperty("status").GetString()} "
                    + $"{r.GetProperty("events").GetInt64()}"
                )
        );
        Assert.Equal(["consumer_lag"], overview.GetProperty("unknown").EnumerateArray().Select(u => u.GetString()!));
        Assert.Equal(0, overview.GetProperty("dead_lettered").GetInt64());
        Assert.Empty(overview.GetProperty("dead_letters").EnumerateArray());
    }

    [Fact]
    public async Task the_overview_adds_the_partial_days_at_its_edges_to_the_whole_days_between()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        foreach (var day in new[] { 22, 23, 24 })
        {
            await PostAsync(pipeline.Http, Fill(Guid.NewGuid(), "alpha", "c1", $"2026-11-{day}T09:00:00Z"));
            await PostAsync(pipeline.Http, Call(Guid.NewGuid(), "assistant", "gpt-4o", $"2026-11-{day}T09:30:00Z"));
        }
        await WaitForAsync(pipeline.Http, "from=2026-11-22T00:00:00Z&to=2026-11-25T00:00:00Z", e =>
            e.Count == 6 && e.Count(x => Status(x) == "applied") == 3
        );

        Assert.Equal(6, await AcceptedAsync("from=2026-11-22T08:00:00Z&to=2026-11-24T10:00:00Z"));
        Assert.Equal(4, await AcceptedAsync("from=2026-11-22T09:15:00Z&to=2026-11-24T09:15:00Z"));
        Assert.Equal(2, await AcceptedAsync("from=2026-11-23T00:00:00Z&to=2026-11-24T00:00:00Z"));
        Assert.Equal(1, await AcceptedAsync("from=2026-11-23T09:15:00Z&to=2026-11-23T12:00:00Z"));

        async Task<long> AcceptedAsync(string window)
        {
            var overview = JsonDocument
                .Parse(await pipeline.Http.GetStringAsync($"/v1/stats/overview?{window}", Ct))
                .RootElement;
            Assert.Equal(0, overview.GetProperty("pending").GetInt64());
            return overview.GetProperty("accepted").GetInt64();
        }
    }

    [Fact]
    public async Task a_flagged_calls_kept_text_is_in_its_detail()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var kept = Guid.NewGuid();
        var body = Call(kept, "assistant", "gpt-4o", "2026-11-22T09:30:00Z")
            .Replace("\"prompt\":\"secret prompt\"", "\"prompt\":\"why is the sky blue\"", StringComparison.Ordinal)
            .Replace("\"currency\":\"USD\"", "\"currency\":\"USD\",\"flagged\":true", StringComparison.Ordinal);
        await PostAsync(pipeline.Http, body);
        await WaitForAsync(pipeline.Http, Day, e => e.Count == 1);

        var call = (await DetailAsync(pipeline.Http, kept)).GetProperty("llm_call");

        Assert.Equal("flagged", call.GetProperty("text_kept_because").GetString());
        Assert.Equal("why is the sky blue", call.GetProperty("prompt").GetString());
        Assert.Equal("hi", call.GetProperty("response").GetString());
    }

    [Fact]
    public async Task rejected_events_are_counted_per_tenant_and_code()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var body = Fill(Guid.NewGuid(), "alpha", "c1", "2026-11-22T09:00:00Z")
            .Replace("\"side\":\"buy\"", "\"side\":\"sideways\"", StringComparison.Ordinal);
        var response = await pipeline.Http.PostAsync(
            "/v1/events",
            new StringContent(body, Encoding.UTF8, "application/json"),
            Ct
        );
        Assert.Equal(HttpStatusCode.MultiStatus, response.StatusCode);
        await pipeline.Service<PitPlatform.Ingestion.Refusals.IngestRefusalCounter>().FlushAsync(Ct);

        var today = DateTimeOffset.UtcNow.UtcDateTime.Date;
        var window = $"from={today:yyyy-MM-dd}T00:00:00Z&to={today.AddDays(1):yyyy-MM-dd}T00:00:00Z";
        var overview = JsonDocument
            .Parse(await pipeline.Http.GetStringAsync($"/v1/stats/overview?{window}", Ct))
            .RootElement;
        Assert.Equal(1, overview.GetProperty("rejected").GetInt64());
        Assert.Equal(
            ["ERR_VALIDATION 1"],
            overview
                .GetProperty("errors_by_code")
                .EnumerateArray()
                .Select(r => $"{r.GetProperty("code").GetString()} {r.GetProperty("events").GetInt64()}")
        );
        var otherKey = await pipeline
            .Service<ApiKeyStore>()
            .CreateAsync("acme", [ApiKeyScope.Read], "refusals isolation", cancellationToken: Ct);
        using var other = new HttpClient { BaseAddress = pipeline.Host.BaseAddress };
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", otherKey.ToString());
        var theirs = JsonDocument.Parse(await other.GetStringAsync($"/v1/stats/overview?{window}", Ct)).RootElement;
        Assert.Equal(0, theirs.GetProperty("rejected").GetInt64());
    }

    [Theory]
    [InlineData("status=lost", "status")]
    [InlineData("series=a/b", "series")]
    [InlineData("limit=0", "limit")]
    [InlineData("page_token=forged", "page_token")]
    [InlineData("from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z", "from/to")]
    public async Task bad_parameters_get_structured_400s(string query, string parameter)
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);

        var response = await pipeline.Http.GetAsync($"/v1/events/recent?{query}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("error");
        Assert.Equal(parameter, error.GetProperty("details").GetProperty("parameter").GetString());
    }

    private static string Fill(Guid id, string series, string cell, string ts) =>
        JsonSerializer.Serialize(
            new
            {
                data = new[]
                {
                    new
                    {
                        type = "exec.trade_fill",
                        event_id = id,
                        ts,
                        series,
                        cell,
                        payload = new
                        {
                            instrument = "ACME",
                            side = "buy",
                            quantity = 1,
                            price_micros = 1_000_000,
                            currency = "USD",
                            fee_micros = 0,
                        },
                    },
                },
            }
        );

    private static List<Guid> Ids(JsonElement page) => [.. page.GetProperty("data").EnumerateArray().Select(Id)];
}
