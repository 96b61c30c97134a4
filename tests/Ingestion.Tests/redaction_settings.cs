using System.Net;
using System.Net.Http.Json;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

/// <summary>A tenant's redaction modes, set through the admin API, apply to its next events.</summary>
public sealed class redaction_settings(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task modes_set_by_an_admin_apply_to_the_next_events_and_raw_storage_needs_an_approval()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);

        var set = await pipeline.Http.PutAsJsonAsync(
            "/v1/admin/redaction",
            new { email = "mask", card = "remove" },
            Ct
        );
        var raw = await pipeline.Http.PutAsJsonAsync("/v1/admin/redaction", new { store_raw = true }, Ct);
        var posted = await pipeline.PostEventsAsync(
            """
            {"data":[{"type":"runtime.llm_call","series":"s","payload":{"model":"m","input_tokens":1,"output_tokens":1,
              "prompt":"jane.doe@example.com paid with 4111-1111-1111-1111 from 203.0.113.7"}}]}
            """,
            Ct
        );

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        // Raw storage is only requested: an approval by another principal applies it (tests/Governance.Tests).
        Assert.Equal(HttpStatusCode.Accepted, raw.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var record = Assert.Single(
            TopicReader.ReadAll(pipeline.Kafka, "pit.v1.runtime.llm_call", 1, TimeSpan.FromSeconds(20))
        );
        var prompt = LlmCallEvent.Parser.ParseFrom(EventEnvelope.Parser.ParseFrom(record.Message.Value).Payload).Prompt;
        Assert.Equal("j***@e***.com paid with  from [redacted:ip]", prompt);
        var settings = await pipeline.Http.GetStringAsync("/v1/admin/redaction", Ct);
        Assert.Contains("\"email\":\"mask\"", settings);
        Assert.Contains("\"store_raw\":false", settings);
    }
}
