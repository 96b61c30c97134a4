using System.Net;
using PitPlatform.Testing;
using Xunit;
using static PitPlatform.Ingestion.Tests.Support.EdgeRequests;

namespace PitPlatform.Ingestion.Tests;

/// <summary>
/// Text no store can hold (U+0000, which Postgres text refuses; an unpaired surrogate escape, which is not text; bytes
/// that are not UTF-8) is refused at the edge with a structured 400 naming where it is, on every route that takes a
/// body or a free-text path parameter, and nothing is stored or produced. Inside an event it is that event's
/// ERR_VALIDATION in the per-event results, and the good events of the same request are still accepted.
/// </summary>
public sealed class unstorable_text_refusals(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
    : IAsyncLifetime
{
    private const string TradeFills = "pit.v1.exec.trade_fill";
    private TestPipeline _pipeline = null!;

    public async ValueTask InitializeAsync() =>
        _pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);

    public ValueTask DisposeAsync() => _pipeline.DisposeAsync();

    [Fact]
    public async Task an_unpaired_surrogate_rejects_that_event_with_its_pointer_and_its_neighbours_are_accepted()
    {
        var (good, high, low, name, type) = (
            Guid.NewGuid(),
            Guid.NewGuid(),
            Guid.NewGuid(),
            Guid.NewGuid(),
            Guid.NewGuid()
        );
        var answer = await SendAsync(
            _pipeline,
            "POST",
            "/v1/events",
            Batch(
                Fill(good),
                Fill(high, instrument: "AC\\ud800ME"),
                Fill(low, instrument: "\\udc00"),
                Fill(name, extra: ",\"\\ud83d\":1"),
                Fill(type).Replace("\"exec.trade_fill\"", "\"exec.trade_fill\\udfff\"", StringComparison.Ordinal)
            )
        );

        Assert.Equal((HttpStatusCode)207, answer.Status);
        Assert.Equal(
            [
                ("accepted", null, null),
                ("rejected", "ERR_VALIDATION", "/data/1/payload/instrument"),
                ("rejected", "ERR_VALIDATION", "/data/2/payload/instrument"),
                ("rejected", "ERR_VALIDATION", "/data/3/\uFFFD"),
                ("rejected", "ERR_VALIDATION", "/data/4/type"),
            ],
            Results(answer.Body)
        );
        var produced = EventIdsOn(_pipeline, TradeFills);
        Assert.Contains(good.ToString(), produced);
        Assert.DoesNotContain(produced, id =>
            id == high.ToString() || id == low.ToString() || id == name.ToString() || id == type.ToString()
        );
    }

    [Fact]
    public async Task a_trade_fill_whose_instrument_holds_u0000_is_rejected_with_its_pointer_and_never_produced()
    {
        var (good, nul) = (Guid.NewGuid(), Guid.NewGuid());

        var answer = await SendAsync(
            _pipeline,
            "POST",
            "/v1/events",
            Batch(Fill(nul, instrument: "AC\\u0000ME"), Fill(good))
        );

        Assert.Equal((HttpStatusCode)207, answer.Status);
        Assert.Equal(
            [("rejected", "ERR_VALIDATION", "/data/0/payload/instrument"), ("accepted", null, null)],
            Results(answer.Body)
        );
        var produced = EventIdsOn(_pipeline, TradeFills);
        Assert.Contains(good.ToString(), produced);
        Assert.DoesNotContain(nul.ToString(), produced);
    }

    [Theory]
    [InlineData("\"model\":\"m\\u0000\"", "/data/0/payload/model")]
    [InlineData("\"model\":\"m\",\"prompt\":\"\\u0000\"", "/data/0/payload/prompt")]
    [InlineData("\"model\":\"m\",\"response\":\"r\\ud800\"", "/data/0/payload/response")]
    [InlineData("\"model\":\"m\",\"user_id\":\"\\u0000\"", "/data/0/payload/user_id")]
    [InlineData("\"model\":\"m\",\"run_id\":\"\\udbff\\udbff\"", "/data/0/payload/run_id")]
    public async Task an_llm_call_holding_text_no_store_can_hold_is_rejected_with_its_pointer(
        string members,
        string pointer
    )
    {
        var llm =
            $"{{\"type\":\"runtime.llm_call\",\"series\":\"s\",\"payload\":{{{members},\"input_tokens\":1,\"o"
            + $"utput_tokens\":1}}}}";

        var answer = await SendAsync(_pipeline, "POST", "/v1/events", Batch(llm));

        Assert.Equal((HttpStatusCode)207, answer.Status);
        Assert.Equal([("rejected", "ERR_VALIDATION", pointer)], Results(answer.Body));
    }

    [Fact]
    public async Task text_no_store_can_hold_outside_the_events_refuses_the_request()
    {
        var id = Guid.NewGuid();

        var answer = await SendAsync(
            _pipeline,
            "POST",
            "/v1/events",
            Batch(Fill(id))[..^1] + ",\"note\\u0000\":\"\\ud800\"}"
        );

        AssertRefused(answer, "ERR_INVALID_STRING", "pointer", "/note\0");
        Assert.DoesNotContain(id.ToString(), EventIdsOn(_pipeline, TradeFills));
    }

    [Fact]
    public async Task bytes_that_are_not_utf8_in_an_event_refuse_the_request_naming_the_string()
    {
        var id = Guid.NewGuid();

        var answer = await SendAsync(
            _pipeline,
            "POST",
            "/v1/events",
            NotUtf8(Batch(Fill(Guid.NewGuid()), Fill(id, instrument: "XYZ")), "XYZ")
        );

        AssertRefused(answer, "ERR_MALFORMED_JSON", "pointer", "/data/1/payload/instrument");
        Assert.DoesNotContain(id.ToString(), EventIdsOn(_pipeline, TradeFills));
    }

    [Fact]
    public async Task an_unpaired_surrogate_in_the_redaction_settings_is_refused_and_nothing_is_stored()
    {
        var before = await _pipeline.Database.CountAsync("tenant_redaction");

        var value = await SendAsync(
            _pipeline,
            "PUT",
            "/v1/admin/redaction",
            "{\"card\":\"mask\",\"email\":\"ma\\ud800sk\"}"
        );
        var name = await SendAsync(_pipeline, "PUT", "/v1/admin/redaction", "{\"card\":\"mask\",\"\\udc00\":\"mask\"}");

        AssertRefused(value, "ERR_INVALID_STRING", "pointer", "/email");
        AssertRefused(name, "ERR_INVALID_STRING", "pointer", "/\uFFFD");
        Assert.Equal(before, await _pipeline.Database.CountAsync("tenant_redaction"));
    }

    [Fact]
    public async Task non_utf8_bytes_in_the_redaction_settings_are_refused_naming_the_string_and_nothing_is_stored()
    {
        var before = await _pipeline.Database.CountAsync("tenant_redaction");

        var value = await SendAsync(
            _pipeline,
            "PUT",
            "/v1/admin/redaction",
            NotUtf8("{\"card\":\"mask\",\"email\":\"hash\"}", "hash")
        );
        var name = await SendAsync(
            _pipeline,
            "PUT",
            "/v1/admin/redaction",
            NotUtf8("{\"card\":\"mask\",\"ip\":\"hash\"}", "ip")
        );

        AssertRefused(value, "ERR_MALFORMED_JSON", "pointer", "/email");
        AssertRefused(name, "ERR_MALFORMED_JSON", "pointer", "/i\uFFFD");
        Assert.Equal(before, await _pipeline.Database.CountAsync("tenant_redaction"));
    }

    [Theory]
    [InlineData("{\"scopes\":[\"read\"],\"name\":\"dash\\u0000board\"}", "/name")]
    [InlineData("{\"scopes\":[\"read\"],\"name\":\"dash\\ud800board\"}", "/name")]
    [InlineData("{\"scopes\":[\"read\",\"in\\u0000gest\"],\"name\":\"n\"}", "/scopes/1")]
    [InlineData("{\"scopes\":[\"read\"],\"name\":\"n\",\"principal\":\"\\udc00\"}", "/principal")]
    public async Task a_key_whose_text_no_store_can_hold_is_refused_and_not_created(string body, string pointer)
    {
        var before = await _pipeline.Database.CountAsync("api_keys");

        var answer = await SendAsync(_pipeline, "POST", "/v1/admin/keys", body);

        AssertRefused(answer, "ERR_INVALID_STRING", "pointer", pointer);
        Assert.Equal(before, await _pipeline.Database.CountAsync("api_keys"));
    }

    [Theory]
    [InlineData("{\"scope\":\"series\",\"series\":\"alpha\",\"reason\":\"closed\\u0000\"}", "/reason")]
    [InlineData("{\"scope\":\"series\",\"series\":\"alpha\",\"reason\":\"closed\\ud800\"}", "/reason")]
    [InlineData("{\"scope\":\"\\ud800\",\"reason\":\"x\"}", "/scope")]
    [InlineData("{\"scope\":\"tenant\",\"tenant\":\"\\u0000\",\"reason\":\"x\"}", "/tenant")]
    public async Task a_deletion_whose_text_no_store_can_hold_is_refused_and_not_recorded(string body, string pointer)
    {
        var (requests, audit) = (
            await _pipeline.Database.CountAsync("governance_requests"),
            await _pipeline.Database.CountAsync("audit_entries")
        );

        var answer = await SendAsync(_pipeline, "POST", "/v1/deletions", body);

        AssertRefused(answer, "ERR_INVALID_STRING", "pointer", pointer);
        Assert.Equal(
            (requests, audit),
            (
                await _pipeline.Database.CountAsync("governance_requests"),
                await _pipeline.Database.CountAsync("audit_entries")
            )
        );
    }

    [Fact]
    public async Task bytes_that_are_not_utf8_in_a_deletion_are_refused_naming_the_string()
    {
        var before = await _pipeline.Database.CountAsync("governance_requests");

        var answer = await SendAsync(
            _pipeline,
            "POST",
            "/v1/deletions",
            NotUtf8("{\"scope\":\"series\",\"series\":\"alpha\",\"reason\":\"closed\"}", "closed")
        );

        AssertRefused(answer, "ERR_MALFORMED_JSON", "pointer", "/reason");
        Assert.Equal(before, await _pipeline.Database.CountAsync("governance_requests"));
    }

    [Fact]
    public async Task an_unpaired_surrogate_in_the_retention_policy_is_refused_and_nothing_is_stored()
    {
        var before = await _pipeline.Database.CountAsync("retention_policies");

        var answer = await SendAsync(_pipeline, "PUT", "/v1/admin/retention", "{\"tier\":\"\\ud800\"}");

        AssertRefused(answer, "ERR_INVALID_STRING", "pointer", "/tier");
        Assert.Equal(before, await _pipeline.Database.CountAsync("retention_policies"));
    }

    [Fact]
    public async Task a_key_prefix_that_is_no_keys_prefix_is_not_found_without_reaching_the_store()
    {
        // Kestrel refuses %00 in a path itself; text that is not a prefix must still never reach Postgres as one.
        var surrogate = await SendAsync(_pipeline, "DELETE", "/v1/admin/keys/%ED%A0%80");
        var longer = await SendAsync(_pipeline, "DELETE", $"/v1/admin/keys/{new string('a', 300)}");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (surrogate.Status, longer.Status));
        Assert.Equal("ERR_NOT_FOUND", surrogate.Body.GetProperty("error").GetProperty("code").GetString());
    }
}
