using System.Net;
using System.Text.Json;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Console.Tests;

/// <summary>The local host serves the built console at / without changing how /v1 and the probes answer.</summary>
public sealed class console_files(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private ConsoleHost _host = null!;
    private HttpClient Http => _host.Pipeline.Http;

    public async ValueTask InitializeAsync() => _host = await ConsoleHost.StartAsync(postgres, kafka, blob, Ct);

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task the_console_is_at_root_and_its_screens_fall_back_to_index_html()
    {
        var index = await File.ReadAllTextAsync(Path.Combine(ConsoleHost.ConsoleDirectory, "index.html"), Ct);
        foreach (var path in new[] { "/", "/keys", "/callback?code=x&state=y" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            // what a browser navigation sends
            request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
            using var response = await Http.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(index, await response.Content.ReadAsStringAsync(Ct));
        }
        var asset = Directory.GetFiles(Path.Combine(ConsoleHost.ConsoleDirectory, "assets"), "*.js").First();
        using var script = await Http.GetAsync("/assets/" + Path.GetFileName(asset), Ct);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("immutable", script.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task api_probe_and_unknown_api_paths_answer_as_before()
    {
        using var unknown = await Http.GetAsync("/v1/no-such-thing", Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(
            "ERR_NOT_FOUND",
            JsonDocument
                .Parse(await unknown.Content.ReadAsStringAsync(Ct))
                .RootElement.GetProperty("error")
                .GetProperty("code")
                .GetString()
        );
        using var live = await Http.GetAsync("/livez", Ct);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.NotEqual("text/html", live.Content.Headers.ContentType?.MediaType);
        // Only GET and HEAD reach the console: a POST to a screen's path is the API's 404, not the page.
        using var post = await Http.PostAsync("/keys", null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        // A path that is no file answers the page only to a browser's navigation; an API client gets the error body.
        using var typo = await Http.GetAsync("/nope", Ct);
        Assert.Equal(HttpStatusCode.NotFound, typo.StatusCode);
        Assert.Equal(
            "ERR_NOT_FOUND",
            JsonDocument
                .Parse(await typo.Content.ReadAsStringAsync(Ct))
                .RootElement.GetProperty("error")
                .GetProperty("code")
                .GetString()
        );
    }

    [Fact]
    public async Task the_sign_in_configuration_names_the_provider_and_holds_no_secret()
    {
        using var response = await Http.GetAsync("/console/config.json", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var config = JsonDocument.Parse(text).RootElement;

        Assert.Equal(_host.Provider.Issuer.ToString(), config.GetProperty("authority").GetString());
        Assert.Equal("pit-local", config.GetProperty("clientId").GetString());
        Assert.Equal(_host.Provider.Audience, config.GetProperty("audience").GetString());
        Assert.Equal(["audience", "authority", "clientId"], config.EnumerateObject().Select(p => p.Name).Order());
        Assert.DoesNotContain("pit_", text, StringComparison.Ordinal);
    }
}
