using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Ingestion.Tests.Support;

/// <summary>Creates keys through the admin API with the pipeline's development (admin) key.</summary>
internal static class Keys
{
    public static async Task<(string Key, string Prefix)> CreateAsync(
        TestPipeline pipeline,
        string[] scopes,
        int? ratePerSecond = null,
        int? burst = null
    )
    {
        var response = await pipeline.Http.PostAsJsonAsync(
            "/v1/admin/keys",
            new
            {
                scopes,
                name = "test key",
                rate_per_second = ratePerSecond,
                burst,
            },
            TestContext.Current.CancellationToken
        );
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)
        );
        var data = body.RootElement.GetProperty("data");
        return (data.GetProperty("key").GetString()!, data.GetProperty("prefix").GetString()!);
    }

    public static async Task<HttpClient> CreateClientAsync(
        TestPipeline pipeline,
        string[] scopes,
        int? ratePerSecond = null,
        int? burst = null
    )
    {
        var (key, _) = await CreateAsync(pipeline, scopes, ratePerSecond, burst);
        return Client(pipeline, key);
    }

    public static HttpClient Client(TestPipeline pipeline, string key)
    {
        var client = new HttpClient { BaseAddress = pipeline.Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}

internal static class TestEvents
{
    public static string Fills(int count, string series = "alpha") =>
        "{\"data\":["
        + string.Join(
            ",",
            Enumerable
                .Range(0, count)
                .Select(i =>
                    $"{{\"type\":\"exec.trade_fill\",\"event_id\":\"{Guid.NewGuid()}\",\"series\":\"{series}"
                    + $"\",\"cell\":\"c{i % 7}\",\"payload\":{{\"instrument\":\"ACME\",\"side\":\"buy\",\"quant"
                    + $"ity\":1,\"price_micros\":1000000,\"currency\":\"USD\"}}}}"
                )
        )
        + "]}";

    public static StringContent Content(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}

internal static class Errors
{
    public static async Task<string> CodeAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)
        );
        return body.RootElement.GetProperty("error").GetProperty("code").GetString()!;
    }
}
