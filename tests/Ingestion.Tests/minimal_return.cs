using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PitPlatform.Access.Http;
using PitPlatform.Ingestion.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

/// <summary>
/// <c>Prefer: return=minimal</c> (RFC 7240): a client that keeps its own event ids gets the counts alone when every
/// event was stored, and the full per-event list whenever one was refused.
/// </summary>
public sealed class minimal_return(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_client_preferring_minimal_gets_only_the_counts_when_every_event_is_stored()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        var ids = new[] { Guid.CreateVersion7(), Guid.CreateVersion7() };

        using var response = await PostAsync(
            pipeline,
            EdgeRequests.Batch(EdgeRequests.Fill(ids[0]), EdgeRequests.Fill(ids[1]), EdgeRequests.Fill(ids[1])),
            "return=minimal"
        );
        var body = await BodyAsync(response);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("return=minimal", response.Headers.GetValues("Preference-Applied").Single());
        Assert.False(body.TryGetProperty("data", out _), body.ToString());
        Assert.Equal(3, body.GetProperty("meta").GetProperty("accepted").GetInt32()); // the repeat is a duplicate
        Assert.Equal(0, body.GetProperty("meta").GetProperty("rejected").GetInt32());
        var stored = EdgeRequests.EventIdsOn(pipeline, "pit.v1.exec.trade_fill");
        Assert.Superset(stored, ids.Select(id => id.ToString("D")).ToHashSet());
    }

    [Fact]
    public async Task a_refused_event_brings_back_every_events_result_even_when_minimal_is_preferred()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);

        using var response = await PostAsync(
            pipeline,
            EdgeRequests.Batch(EdgeRequests.Fill(Guid.CreateVersion7()), EdgeRequests.Fill(Guid.CreateVersion7(), "")),
            "return=minimal"
        );
        var body = await BodyAsync(response);

        Assert.Equal(HttpStatusCode.MultiStatus, response.StatusCode);
        Assert.False(response.Headers.Contains("Preference-Applied"));
        Assert.Equal(["accepted", "rejected"], EdgeRequests.Results(body).Select(r => r.Status).ToArray());
    }

    [Fact]
    public async Task without_the_preference_a_202_lists_every_event()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);

        using var response = await PostAsync(pipeline, EdgeRequests.Batch(EdgeRequests.Fill(Guid.CreateVersion7())));
        var body = await BodyAsync(response);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.False(response.Headers.Contains("Preference-Applied"));
        Assert.Single(EdgeRequests.Results(body));
    }

    [Theory]
    [InlineData("return=minimal", true)]
    [InlineData("respond-async, return=minimal", true)]
    [InlineData("RETURN = \"Minimal\"; foo=bar", true)]
    [InlineData("return=representation", false)]
    [InlineData("handling=lenient", false)]
    [InlineData("", false)]
    public void the_return_preference_is_read_as_rfc_7240_writes_it(string prefer, bool minimal)
    {
        var context = new DefaultHttpContext();
        if (prefer.Length > 0)
            context.Request.Headers.Append("Prefer", prefer);

        Assert.Equal(minimal, ReturnPreference.IsMinimal(context.Request));
    }

    private static async Task<HttpResponseMessage> PostAsync(TestPipeline pipeline, string json, string? prefer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (prefer is not null)
            request.Headers.TryAddWithoutValidation("Prefer", prefer);
        return await pipeline.Http.SendAsync(request, Ct);
    }

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
}
