using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Support;

/// <summary>Creates keys through the admin API with the pipeline's development (admin) key.</summary>
internal static class Keys
{
    public static async Task<(string Key, string Prefix)> CreateAsync(
        TestPipeline pipeline,
        string[] scopes,
        string? principal = null,
        HttpClient? admin = null
    )
    {
        var response = await (admin ?? pipeline.Http).PostAsJsonAsync(
            "/v1/admin/keys",
            new
            {
                scopes,
                name = "test key",
                principal,
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
        string? principal = null
    )
    {
        var (key, _) = await CreateAsync(pipeline, scopes, principal);
        return Client(pipeline, key);
    }

    public static HttpClient Client(TestPipeline pipeline, string key)
    {
        var client = new HttpClient { BaseAddress = pipeline.Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}

internal static class Json
{
    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)
        );
        return body.RootElement.Clone();
    }

    public static async Task<string> ErrorCodeAsync(HttpResponseMessage response) =>
        (await ReadAsync(response)).GetProperty("error").GetProperty("code").GetString()!;
}
