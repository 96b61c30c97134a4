using System.Net;
using PitPlatform.Ingestion.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

/// <summary>Bytes that are not clean JSON text are refused with a structured 400, never a 500.</summary>
public sealed class ingest_encoding_refusals(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task invalid_utf8_and_raw_nul_bytes_are_malformed_json_and_escaped_nul_fails_validation()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        var valid = System.Text.Encoding.UTF8.GetBytes(TestEvents.Fills(1));
        var badUtf8 = valid.ToArray();
        badUtf8[Array.IndexOf(badUtf8, (byte)'A')] = 0xC3; // a lead byte without its continuation
        var rawNul = valid.ToArray();
        rawNul[Array.IndexOf(rawNul, (byte)'A')] = 0x00;

        var responses = new List<HttpResponseMessage>();
        foreach (var body in new[] { badUtf8, rawNul })
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            responses.Add(await pipeline.Http.PostAsync("/v1/events", content, Ct));
        }
        var escapedNul = await pipeline.PostEventsAsync(TestEvents.Fills(1).Replace("\"series\":\"alpha\"", "\"series\":\"al\\u0000pha\""), Ct);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal("ERR_MALFORMED_JSON", await Errors.CodeAsync(responses[0]));
        Assert.Equal("ERR_MALFORMED_JSON", await Errors.CodeAsync(responses[1]));
        Assert.Equal((HttpStatusCode)207, escapedNul.StatusCode);
    }
}
