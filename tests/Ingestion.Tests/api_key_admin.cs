using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PitPlatform.Ingestion.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

/// <summary>Keys are created, listed and revoked through the admin API of the caller's tenant.</summary>
public sealed class api_key_admin(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private TestPipeline _pipeline = null!;

    public async ValueTask InitializeAsync() =>
        _pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);

    public ValueTask DisposeAsync() => _pipeline.DisposeAsync();

    [Fact]
    public async Task a_created_key_works_for_its_scopes_only()
    {
        using var ingestOnly = await Keys.CreateClientAsync(_pipeline, ["ingest"]);

        var posted = await ingestOnly.PostAsync("/v1/events", TestEvents.Content(TestEvents.Fills(1)), Ct);
        var read = await ingestOnly.GetAsync("/v1/series/alpha/nav", Ct);

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal("ERR_FORBIDDEN", await Errors.CodeAsync(read));
    }

    [Fact]
    public async Task a_revoked_key_is_refused_at_once_on_this_instance()
    {
        var (key, prefix) = await Keys.CreateAsync(_pipeline, ["ingest"]);
        using var client = Keys.Client(_pipeline, key);
        Assert.Equal(
            HttpStatusCode.Accepted,
            (await client.PostAsync("/v1/events", TestEvents.Content(TestEvents.Fills(1)), Ct)).StatusCode
        );

        var revoked = await _pipeline.Http.DeleteAsync($"/v1/admin/keys/{prefix}", Ct);
        var after = await client.PostAsync("/v1/events", TestEvents.Content(TestEvents.Fills(1)), Ct);
        var again = await _pipeline.Http.DeleteAsync($"/v1/admin/keys/{prefix}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task the_list_shows_keys_without_secrets_and_records_last_use()
    {
        var (key, prefix) = await Keys.CreateAsync(_pipeline, ["ingest", "read"], ratePerSecond: 50, burst: 1000);
        using var client = Keys.Client(_pipeline, key);
        await client.GetAsync("/v1/series/alpha/nav", Ct);

        var listed = await Eventually.WaitForAsync(
            async () =>
            {
                var text = await _pipeline.Http.GetStringAsync("/v1/admin/keys", Ct);
                return (
                    Text: text,
                    Key: JsonDocument
                        .Parse(text)
                        .RootElement.GetProperty("data")
                        .EnumerateArray()
                        .Single(k => k.GetProperty("prefix").GetString() == prefix)
                );
            },
            x => x.Key.TryGetProperty("last_used_at", out _),
            TimeSpan.FromSeconds(10),
            "last_used_at"
        );

        Assert.DoesNotContain(key[(5 + 8 + 1)..], listed.Text);
        Assert.DoesNotContain("hash", listed.Text);
        Assert.Equal(["ingest", "read"], listed.Key.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(50, listed.Key.GetProperty("rate_per_second").GetInt32());
        Assert.Equal("demo", listed.Key.GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task keys_without_the_admin_scope_cannot_administer_keys()
    {
        using var reader = await Keys.CreateClientAsync(_pipeline, ["read", "ingest", "approver"]);
        var create = await reader.PostAsJsonAsync(
            "/v1/admin/keys",
            new { scopes = new[] { "admin" }, name = "escalation" },
            Ct
        );
        var list = await reader.GetAsync("/v1/admin/keys", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
    }

    [Theory]
    [InlineData("{\"scopes\":[],\"name\":\"x\"}", "/scopes")]
    [InlineData("{\"scopes\":[\"root\"],\"name\":\"x\"}", "/scopes")]
    [InlineData("{\"scopes\":[\"read\"]}", "/name")]
    [InlineData("{\"scopes\":[\"read\"],\"name\":\"x\",\"burst\":0}", "/burst")]
    public async Task an_invalid_key_request_is_400_with_a_pointer(string body, string pointer)
    {
        var response = await _pipeline.Http.PostAsync("/v1/admin/keys", TestEvents.Content(body), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(
            pointer,
            error.RootElement.GetProperty("error").GetProperty("details").GetProperty("pointer").GetString()
        );
    }
}
