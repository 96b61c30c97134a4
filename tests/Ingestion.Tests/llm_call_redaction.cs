using System.Net;
using System.Text;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

/// <summary>
/// LLM calls reach Kafka redacted: PII in prompt and response replaced, the user identifier HMAC-hashed.
/// </summary>
public sealed class llm_call_redaction(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task nothing_sensitive_reaches_kafka_unredacted()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        const string body = """
            {"data":[{"type":"runtime.llm_call","series":"assistant","payload":{"model":"m","input_tokens":12,"output_tokens":9,
              "prompt":"Mail jane.doe@example.com about order ORD-2026-000123, card 4111 1111 1111 1111",
              "response":"Called +1 415 555 0100 from 203.0.113.7","user_id":"jane-42","cost_micros":310,"currency":"USD"}}]}
            """;

        var response = await pipeline.PostEventsAsync(body, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var record = Assert.Single(
            TopicReader.ReadAll(pipeline.Kafka, "pit.v1.runtime.llm_call", 1, TimeSpan.FromSeconds(20))
        );
        var call = LlmCallEvent.Parser.ParseFrom(EventEnvelope.Parser.ParseFrom(record.Message.Value).Payload);
        Assert.Equal("Mail [redacted:email] about order ORD-2026-000123, card [redacted:card]", call.Prompt);
        Assert.Equal("Called [redacted:phone] from [redacted:ip]", call.Response);
        Assert.Matches("^[0-9a-f]{64}$", call.UserRefHash);
        var bytes = Encoding.UTF8.GetString(record.Message.Value);
        foreach (var secret in new[] { "jane.doe@example.com", "4111 1111", "415 555", "203.0.113.7", "jane-42" })
            Assert.DoesNotContain(secret, bytes);
        Assert.Equal(310, call.CostMicros);
    }
}
