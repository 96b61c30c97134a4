using System.Net;
using System.Text.Json.Nodes;
using PitPlatform.Governance.Audit;
using PitPlatform.Governance.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Audit;

/// <summary>
/// GET /v1/audit: the key's tenant's entries in chain order, paged, for admin and approver keys only.
/// </summary>
public sealed class audit_query(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private TestPipeline _pipeline = null!;

    public async ValueTask InitializeAsync() =>
        _pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);

    public ValueTask DisposeAsync() => _pipeline.DisposeAsync();

    [Fact]
    public async Task entries_come_in_pages_with_their_hashes()
    {
        var trail = _pipeline.Service<AuditTrail>();
        for (var i = 0; i < 5; i++)
            await trail.AppendAsync(
                new AuditRecord(
                    "demo",
                    AuditActor.ForSystem("test"),
                    "export.started",
                    $"export/{i}",
                    new JsonObject { ["i"] = i }
                ),
                Ct
            );
        await trail.AppendAsync(
            new AuditRecord("other", AuditActor.ForSystem("test"), "export.started", "export/x"),
            Ct
        );

        var first = await Json.ReadAsync(await _pipeline.Http.GetAsync("/v1/audit?limit=3", Ct));
        var token = first.GetProperty("meta").GetProperty("next_page_token").GetString();
        var second = await Json.ReadAsync(await _pipeline.Http.GetAsync($"/v1/audit?limit=3&page_token={token}", Ct));

        var entries = first
            .GetProperty("data")
            .EnumerateArray()
            .Concat(second.GetProperty("data").EnumerateArray())
            .ToList();
        Assert.Equal([1L, 2L, 3L, 4L, 5L], entries.Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Equal(new string('0', 64), entries[0].GetProperty("previous_hash").GetString());
        Assert.Equal(entries[0].GetProperty("hash").GetString(), entries[1].GetProperty("previous_hash").GetString());
        Assert.Equal("export/4", entries[4].GetProperty("target").GetString());
        Assert.Equal(4, entries[4].GetProperty("details").GetProperty("i").GetInt32());
        Assert.Equal("system:test", entries[4].GetProperty("principal").GetString());
        Assert.False(second.GetProperty("meta").TryGetProperty("next_page_token", out _));
    }

    [Fact]
    public async Task a_time_range_selects_entries()
    {
        var trail = _pipeline.Service<AuditTrail>();
        var early = await trail.AppendAsync(
            new AuditRecord("demo", AuditActor.ForSystem("test"), "export.started", "export/1"),
            Ct
        );
        await Task.Delay(20, Ct);
        var late = await trail.AppendAsync(
            new AuditRecord("demo", AuditActor.ForSystem("test"), "export.started", "export/2"),
            Ct
        );

        var from = Uri.EscapeDataString(late.At.ToString("O"));
        var body = await Json.ReadAsync(await _pipeline.Http.GetAsync($"/v1/audit?from={from}", Ct));

        Assert.Equal(
            [late.Sequence],
            body.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64())
        );
        Assert.NotEqual(early.Sequence, late.Sequence);
    }

    [Theory]
    [InlineData("read")]
    [InlineData("ingest")]
    public async Task keys_without_admin_or_approver_scope_are_refused(string scope)
    {
        using var client = await Keys.CreateClientAsync(_pipeline, [scope]);

        var response = await client.GetAsync("/v1/audit", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("ERR_FORBIDDEN", await Json.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task an_approver_key_may_read()
    {
        using var client = await Keys.CreateClientAsync(_pipeline, ["approver"]);

        var response = await client.GetAsync("/v1/audit", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=10001")]
    [InlineData("from=yesterday")]
    [InlineData("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z")]
    [InlineData("page_token=forged")]
    [InlineData("page_token=a1.-5")]
    public async Task bad_parameters_get_a_structured_400(string query)
    {
        var response = await _pipeline.Http.GetAsync($"/v1/audit?{query}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ERR_VALIDATION", await Json.ErrorCodeAsync(response));
    }
}
