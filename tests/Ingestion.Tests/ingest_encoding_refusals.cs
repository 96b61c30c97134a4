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
        var escapedNul = await pipeline.PostEventsAsync(
            TestEvents.Fills(1).Replace("\"series\":\"alpha\"", "\"series\":\"al\\u0000pha\""),
            Ct
        );

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal("ERR_MALFORMED_JSON", await Errors.CodeAsync(responses[0]));
        Assert.Equal("ERR_MALFORMED_JSON", await Errors.CodeAsync(responses[1]));
        Assert.Equal((HttpStatusCode)207, escapedNul.StatusCode);
    }
}

/// <summary>
/// An event within the body limit but over Event Hubs' per-record limit once enveloped is refused alone.
/// </summary>
public sealed class ingest_event_size_refusals(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    [Fact]
    public async Task an_event_over_the_enveloped_limit_is_rejected_and_its_neighbours_accepted()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        // 262,144 four-byte characters in each of prompt and response: 2 MiB of text, under the 5 MB body limit.
        var text = string.Concat(Enumerable.Repeat("\U0001F600", 262_144));
        var big =
            "{\"type\":\"runtime.llm_call\",\"series\":\"s\",\"payload\":{\"model\":\"m\",\"input_tokens\":1,"
            + "\"output_tokens\":1,"
            + $"\"prompt\":\"{text}\",\"response\":\"{text}\"}}}}";
        var small =
            """{"type":"runtime.llm_call","series":"s","payload":{"model":"m","input_tokens":1,"output_tokens":1}}""";

        var response = await pipeline.PostEventsAsync(
            $"{{\"data\":[{small},{big},{small}]}}",
            TestContext.Current.CancellationToken
        );

        Assert.Equal((HttpStatusCode)207, response.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)
        );
        var results = body.RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["accepted", "rejected", "accepted"], results.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal("ERR_EVENT_TOO_LARGE", results[1].GetProperty("error").GetProperty("code").GetString());
    }
}
