using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

/// <summary>
/// Every refusal of POST /v1/events is a structured error, never a 500, and never costs an accepted event.
/// </summary>
public sealed class ingest_refusals(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private TestPipeline _pipeline = null!;

    public async ValueTask InitializeAsync() =>
        _pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);

    public ValueTask DisposeAsync() => _pipeline.DisposeAsync();

    private static string Fill(
        string? eventId = null,
        string series = "alpha",
        string extra = "",
        string payloadExtra = ""
    ) =>
        "{\"type\":\"exec.trade_fill\""
        + (eventId is null ? "" : $",\"event_id\":\"{eventId}\"")
        + $",\"series\":\"{series}\",\"cell\":\"0001\"{extra},"
        + "\"payload\":{\"instrument\":\"ACME\",\"side\":\"buy\",\"quantity\":1,\"price_micros\":1000000,\"curr"
        + "ency\":\"USD\""
        + payloadExtra
        + "}}";

    private static string Batch(params string[] events) => "{\"data\":[" + string.Join(",", events) + "]}";

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(
        string body,
        string? key = "dev",
        string contentType = "application/json"
    )
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events")
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Authorization = key switch
        {
            null => null,
            "dev" => _pipeline.Http.DefaultRequestHeaders.Authorization,
            _ => new AuthenticationHeaderValue("Bearer", key),
        };
        using var client = new HttpClient { BaseAddress = _pipeline.Http.BaseAddress };
        var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string Code(JsonElement body) => body.GetProperty("error").GetProperty("code").GetString()!;

    [Theory]
    [InlineData(null)]
    [InlineData("garbage")]
    [InlineData("pit_aaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")]
    public async Task a_missing_or_unknown_key_is_401(string? key)
    {
        var (status, body) = await PostAsync(Batch(Fill()), key);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("ERR_UNAUTHENTICATED", Code(body));
    }

    [Fact]
    public async Task the_right_prefix_with_a_wrong_secret_is_the_same_401()
    {
        var prefix = _pipeline.Host.DevKey.Prefix;
        var (status, body) = await PostAsync(Batch(Fill()), $"pit_{prefix}_{new string('x', 32)}");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("ERR_UNAUTHENTICATED", Code(body));
    }

    [Fact]
    public async Task a_wrong_content_type_is_415()
    {
        var (status, body) = await PostAsync(Batch(Fill()), contentType: "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("ERR_UNSUPPORTED_MEDIA_TYPE", Code(body));
    }

    [Theory]
    [InlineData("{\"data\":[", "ERR_MALFORMED_JSON")]
    [InlineData("[]", "ERR_INVALID_BODY")]
    [InlineData("{\"data\":{}}", "ERR_INVALID_BODY")]
    [InlineData("{\"data\":[]}", "ERR_BATCH_SIZE")]
    public async Task a_body_of_the_wrong_shape_is_400(string body, string code)
    {
        var (status, error) = await PostAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(code, Code(error));
    }

    [Fact]
    public async Task a_depth_bomb_is_400_malformed_json()
    {
        var (status, error) = await PostAsync("{\"data\":[" + new string('[', 5000) + new string(']', 5000) + "]}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ERR_MALFORMED_JSON", Code(error));
    }

    [Fact]
    public async Task more_than_1000_events_is_400()
    {
        var (status, error) = await PostAsync(Batch(Enumerable.Repeat(Fill(), 1001).ToArray()));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ERR_BATCH_SIZE", Code(error));
    }

    [Fact]
    public async Task a_body_one_byte_over_5_mb_is_413()
    {
        var filler = new string(' ', IngestEventsHandler.MaxBodyBytes + 1 - Batch(Fill()).Length);
        var (status, error) = await PostAsync(Batch(Fill()) + filler);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("ERR_PAYLOAD_TOO_LARGE", Code(error));
    }

    [Fact]
    public async Task invalid_events_are_rejected_one_by_one_with_pointers_and_valid_ones_accepted()
    {
        var body = Batch(
            Fill(),
            Fill(payloadExtra: ",\"price_micros\":12.5").Replace("\"price_micros\":1000000,", ""),
            Fill(extra: ",\"colour\":\"red\""),
            "{\"type\":\"exec.unknown\",\"series\":\"alpha\",\"payload\":{}}",
            Fill(series: "bad series")
        );

        var (status, response) = await PostAsync(body);

        Assert.Equal((HttpStatusCode)207, status);
        var results = response.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(
            ["accepted", "rejected", "rejected", "rejected", "rejected"],
            results.Select(r => r.GetProperty("status").GetString())
        );
        Assert.Equal(
            "/data/1/payload/price_micros",
            results[1].GetProperty("error").GetProperty("details").GetProperty("pointer").GetString()
        );
        Assert.Equal(
            "/data/2/colour",
            results[2].GetProperty("error").GetProperty("details").GetProperty("pointer").GetString()
        );
        Assert.Equal("ERR_UNKNOWN_EVENT_TYPE", results[3].GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(
            "/data/4/series",
            results[4].GetProperty("error").GetProperty("details").GetProperty("pointer").GetString()
        );
        Assert.Equal(1, response.GetProperty("meta").GetProperty("accepted").GetInt32());
        Assert.Equal(4, response.GetProperty("meta").GetProperty("rejected").GetInt32());
        Assert.True(results[0].GetProperty("offset").GetInt64() >= 0);
    }

    [Fact]
    public async Task an_event_naming_another_tenant_is_403()
    {
        var (status, error) = await PostAsync(Batch(Fill(extra: ",\"tenant\":\"someone-else\"")));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("ERR_TENANT_MISMATCH", Code(error));
    }

    [Fact]
    public async Task a_repeated_event_id_in_one_batch_is_a_duplicate_or_a_conflict()
    {
        var id = Guid.NewGuid().ToString();
        var (status, response) = await PostAsync(
            Batch(Fill(id), Fill(id), Fill(id, extra: ",\"ts\":\"2026-01-01T00:00:00Z\""))
        );

        Assert.Equal((HttpStatusCode)207, status);
        var results = response.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["accepted", "duplicate", "rejected"], results.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal("ERR_IDEMPOTENCY_CONFLICT", results[2].GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task accepted_events_without_an_id_get_a_generated_one()
    {
        var (status, response) = await PostAsync(Batch(Fill(), Fill()));
        Assert.Equal(HttpStatusCode.Accepted, status);
        var ids = response
            .GetProperty("data")
            .EnumerateArray()
            .Select(r => Guid.Parse(r.GetProperty("event_id").GetString()!))
            .ToList();
        Assert.Equal(2, ids.Distinct().Count());
    }
}
