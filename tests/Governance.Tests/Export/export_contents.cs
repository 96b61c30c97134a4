using System.Net;
using System.Text.Json;
using PitPlatform.Governance.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Export;

/// <summary>
/// An export holds exactly the scope's rows, every table of it, typed, between a header and a trailer.
/// </summary>
public sealed class export_contents(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private const string Subject = "5e2a4d1b7c0f9e8d3a6b5c4d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_tenant_export_holds_every_row_of_the_tenant_exactly_and_nothing_of_another()
    {
        await using var pipeline = await StartAsync();

        var (status, lines, mediaType) = await ExportAsync(pipeline.Http, "scope=tenant");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/x-ndjson", mediaType);
        Assert.Equal("export", Type(lines[0]));
        Assert.Equal("export_end", Type(lines[^1]));
        var rows = lines[1..^1];
        Assert.All(rows, r =>
            Assert.NotEqual("other", Data(r).TryGetProperty("tenant", out var t) ? t.GetString() : "demo")
        );
        Assert.Contains(
            """{"type":"nav_points","data":{"event_id":"00000000-0000-0000-0000-000000000001","tenant":"demo","series":"alpha","cell":"0001","currency":"USD","ts":"2026-11-20T10:00:00.000000Z","nav_micros":1250000,"cash_micros":-1000000,"positions_value_micros":2250000,"fills_applied":1}}""",
            lines
        );
        Assert.Contains(
            """{"type":"cell_cash","data":{"tenant":"demo","series":"alpha","cell":"0001","currency":"USD","cash_micros":-1000000,"fills_applied":1,"updated_at":"2026-11-20T10:00:00.000000Z"}}""",
            lines
        );
        Assert.Contains(rows, r =>
            Type(r) == "llm_calls"
            && Data(r).GetProperty("prompt_sha256").GetString() == "00ff"
            && Data(r).GetProperty("prompt").GetString() == "hello"
        );
        Assert.Contains(rows, r =>
            Type(r) == "audit_entries" && Data(r).GetProperty("action").GetString() == "export.started"
        );
        var trailer = Data(lines[^1]).GetProperty("rows");
        foreach (
            var table in new[]
            {
                "nav_points",
                "nav_rollups",
                "cell_cash",
                "cell_positions",
                "llm_calls",
                "usage_daily",
                "events_daily",
            }
        )
        {
            var stored = await pipeline.Database.CountAsync(table, "tenant = 'demo'");
            Assert.Equal(stored, rows.Count(r => Type(r) == table));
            Assert.Equal(stored, trailer.GetProperty(table).GetInt64());
        }
        Assert.Equal(rows.Length, Data(lines[^1]).GetProperty("total_rows").GetInt64());
    }

    [Fact]
    public async Task narrower_scopes_hold_only_their_cell_or_subject_and_each_export_is_audited()
    {
        await using var pipeline = await StartAsync();

        var (_, cell, _) = await ExportAsync(pipeline.Http, "scope=cell&series=alpha&cell=0002");
        var (_, subject, _) = await ExportAsync(pipeline.Http, $"scope=subject&subject={Subject}");

        var cellRows = cell[1..^1];
        Assert.NotEmpty(cellRows);
        Assert.All(cellRows, r =>
            Assert.Equal(
                ("alpha", "0002"),
                (Data(r).GetProperty("series").GetString(), Data(r).GetProperty("cell").GetString())
            )
        );
        Assert.Equal(
            await pipeline.Database.CountAsync("nav_points", "tenant = 'demo' AND cell = '0002'"),
            cellRows.Count(r => Type(r) == "nav_points")
        );
        var subjectRow = Assert.Single(subject[1..^1]);
        Assert.Equal(Subject, Data(subjectRow).GetProperty("user_ref_hash").GetString());
        var targets = await pipeline.Database.ScalarAsync<string>(
            "SELECT string_agg(target, ' ' ORDER BY sequence) FROM audit_entries WHERE tenant = 'demo' AND "
                + "action = 'export.started'"
        );
        Assert.Equal($"tenant/demo/series/alpha/cell/0002 tenant/demo/subject/{Subject}", targets);
    }

    [Theory]
    [InlineData("scope=everything")]
    [InlineData("scope=cell&series=alpha")]
    [InlineData("scope=series&series=a/b")]
    [InlineData("scope=subject&subject=bob")]
    public async Task a_malformed_scope_is_refused_with_the_parameter_named(string query)
    {
        await using var pipeline = await StartAsync();

        var response = await pipeline.Http.GetAsync($"/v1/export?{query}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ERR_VALIDATION", await Json.ErrorCodeAsync(response));
        Assert.Equal(0, await pipeline.Database.CountAsync("audit_entries", "action = 'export.started'"));
    }

    [Fact]
    public async Task a_read_key_cannot_export()
    {
        await using var pipeline = await StartAsync();
        using var reader = await Keys.CreateClientAsync(pipeline, ["read"]);

        var response = await reader.GetAsync("/v1/export?scope=tenant", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("ERR_FORBIDDEN", await Json.ErrorCodeAsync(response));
    }

    private async Task<TestPipeline> StartAsync()
    {
        var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        await pipeline.Database.ExecuteAsync(
            $"""
            INSERT INTO nav_points (event_id, tenant, series, cell, currency, ts, nav_micros, cash_micros, positions_value_micros, fills_applied) VALUES
              ('00000000-0000-0000-0000-000000000001', 'demo', 'alpha', '0001', 'USD', '2026-11-20T10:00:00Z', 1250000, -1000000, 2250000, 1),
              ('00000000-0000-0000-0000-000000000002', 'demo', 'alpha', '0002', 'USD', '2026-11-20T10:01:00Z', 5, 5, 0, 1),
              ('00000000-0000-0000-0000-000000000003', 'demo', 'beta', '0001', 'EUR', '2026-11-20T10:02:00Z', 7, 7, 0, 2),
              ('00000000-0000-0000-0000-000000000004', 'other', 'alpha', '0001', 'USD', '2026-11-20T10:00:00Z', 9, 9, 0, 1);
            INSERT INTO cell_cash (tenant, series, cell, currency, cash_micros, fills_applied, updated_at) VALUES
              ('demo', 'alpha', '0001', 'USD', -1000000, 1, '2026-11-20T10:00:00Z'), ('other', 'alpha', '0001', 'USD', 1, 1, now());
            INSERT INTO cell_positions (tenant, series, cell, instrument, currency, quantity, last_price_micros) VALUES
              ('demo', 'alpha', '0002', 'ACME', 'USD', 10, 12500000);
            INSERT INTO llm_calls (event_id, tenant, series, cell, ts, model, input_tokens, output_tokens, cost_micros, currency, latency_ms,
                                   user_ref_hash, flagged, prompt_sha256, response_sha256, prompt) VALUES
              (gen_random_uuid(), 'demo', 'assistant', '', '2026-11-20T10:00:00Z', 'm', 1, 2, 3, 'USD', 4, '{Subject}', false, '\x00ff', '\x00', 'hello'),
              (gen_random_uuid(), 'demo', 'assistant', '', '2026-11-20T10:00:00Z', 'm', 1, 2, 3, 'USD', 4, '', false, '\x01', '\x00', null),
              (gen_random_uuid(), 'other', 'assistant', '', '2026-11-20T10:00:00Z', 'm', 1, 2, 3, 'USD', 4, '{Subject}', false, '\x01', '\x00', null);
            INSERT INTO usage_daily (tenant, day, model, currency, calls, input_tokens, output_tokens, cost_micros) VALUES
              ('demo', '2026-11-20', 'm', 'USD', 2, 2, 4, 6), ('other', '2026-11-20', 'm', 'USD', 1, 1, 2, 3);
            INSERT INTO events_daily (tenant, day, topic, events) VALUES ('demo', '2026-11-20', 'pit.v1.runtime.llm_call', 2);
            """
        );
        return pipeline;
    }

    private static async Task<(HttpStatusCode Status, string[] Lines, string? MediaType)> ExportAsync(
        HttpClient http,
        string query
    )
    {
        using var response = await http.GetAsync($"/v1/export?{query}", HttpCompletionOption.ResponseHeadersRead, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (
            response.StatusCode,
            text.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            response.Content.Headers.ContentType?.MediaType
        );
    }

    private static string Type(string line) => JsonDocument.Parse(line).RootElement.GetProperty("type").GetString()!;

    private static JsonElement Data(string line) => JsonDocument.Parse(line).RootElement.GetProperty("data").Clone();
}
