using System.Net;
using System.Text;
using System.Text.Json;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.EndToEnd.Tests;

/// <summary>The logs routes over real HTTP, for the recent-events tests: ingest, list, detail, and wait.</summary>
internal static class RecentEventsApi
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>POST /v1/events; asserts 202.</summary>
    public static async Task PostAsync(HttpClient client, string body)
    {
        var response = await client.PostAsync(
            "/v1/events",
            new StringContent(body, Encoding.UTF8, "application/json"),
            Ct
        );
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>GET /v1/events/recent?<paramref name="query"/>; asserts 200.</summary>
    public static async Task<JsonElement> ListAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync($"/v1/events/recent?{query}", Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
    }

    /// <summary>GET /v1/events/recent/{id}; asserts 200.</summary>
    public static async Task<JsonElement> DetailAsync(HttpClient client, Guid id)
    {
        var response = await client.GetAsync($"/v1/events/recent/{id}", Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
    }

    /// <summary>Lists until <paramref name="done"/> holds for the page's events (30 s at most).</summary>
    public static Task<List<JsonElement>> WaitForAsync(
        HttpClient client,
        string query,
        Func<List<JsonElement>, bool> done
    ) =>
        Eventually.WaitForAsync(
            async () => (await ListAsync(client, query)).GetProperty("data").EnumerateArray().ToList(),
            done,
            Patience,
            $"GET /v1/events/recent?{query}"
        );

    /// <summary>A POST /v1/events body of one LLM call.</summary>
    public static string Call(Guid id, string series, string model, string ts) =>
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
                        series,
                        payload = new
                        {
                            model,
                            input_tokens = 100,
                            output_tokens = 20,
                            prompt = "secret prompt",
                            response = "hi",
                            cost_micros = 1_500,
                            currency = "USD",
                        },
                    },
                },
            }
        );

    public static Guid Id(JsonElement e) => e.GetProperty("event_id").GetGuid();

    public static string? Status(JsonElement e) => e.GetProperty("status").GetString();
}
