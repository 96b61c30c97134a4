using System.Net;
using System.Text.Json;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Hosting;
using PitPlatform.Ingestion.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

/// <summary>
/// Brokers taken down in the middle of a batch: the answer is 503 or 207, never a 500, and every event reported
/// accepted is really in Kafka; when the brokers return, ingestion recovers. Runs on a private mock cluster.
/// </summary>
public sealed class broker_outage(PostgresFixture postgres, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task no_event_is_reported_accepted_that_kafka_did_not_acknowledge()
    {
        // Checked before starting: on an external broker or a container there is no mock to inject faults into.
        Assert.SkipUnless(KafkaFixture.StartsMock, "needs the embedded mock cluster for fault injection");
        var kafka = new KafkaFixture();
        await kafka.InitializeAsync();
        try
        {
            await using var pipeline = await TestPipeline.StartAsync(
                await postgres.CreateDatabaseAsync(migrate: false),
                kafka,
                blob,
                runConsumers: false,
                new Dictionary<string, string?> { [SettingNames.KafkaDeliveryTimeoutMs] = "3000" }
            );
            Assert.Equal(
                HttpStatusCode.Accepted,
                (await pipeline.PostEventsAsync(TestEvents.Fills(10), Ct)).StatusCode
            );

            var inFlight = pipeline.PostEventsAsync(TestEvents.Fills(1000), Ct);
            await Task.Delay(3, Ct);
            foreach (var broker in kafka.Mock!.BrokerIds)
                kafka.Mock.SetBrokerDown(broker);
            var during = await inFlight;
            var whileDown = await pipeline.PostEventsAsync(TestEvents.Fills(5), Ct);
            foreach (var broker in kafka.Mock.BrokerIds)
                kafka.Mock.SetBrokerUp(broker);
            var after = await Eventually.WaitForAsync(
                () => pipeline.PostEventsAsync(TestEvents.Fills(5), Ct),
                r => r.StatusCode == HttpStatusCode.Accepted,
                TimeSpan.FromSeconds(60),
                "ingest to recover"
            );

            Assert.Contains(
                during.StatusCode,
                new[] { HttpStatusCode.Accepted, (HttpStatusCode)207, HttpStatusCode.ServiceUnavailable }
            );
            Assert.Equal(HttpStatusCode.ServiceUnavailable, whileDown.StatusCode);
            Assert.Equal("ERR_UNAVAILABLE", await Errors.CodeAsync(whileDown));
            var accepted = await AcceptedIdsAsync(during);
            var stored = TopicReader
                .ReadAll(
                    pipeline.Kafka,
                    "pit.v1.exec.trade_fill",
                    expected: 10 + accepted.Count + 5,
                    TimeSpan.FromSeconds(30)
                )
                .Select(r => EventEnvelope.Parser.ParseFrom(r.Message.Value).EventId)
                .ToHashSet();
            Assert.Subset(stored, accepted);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"in-flight batch: {during.StatusCode}, {accepted.Count} of 1000 accepted"
            );
            Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
        }
        finally
        {
            await kafka.DisposeAsync();
        }
    }

    private static async Task<HashSet<string>> AcceptedIdsAsync(HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            return [];
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return body
            .RootElement.GetProperty("data")
            .EnumerateArray()
            .Where(r => r.GetProperty("status").GetString() == "accepted")
            .Select(r => r.GetProperty("event_id").GetString()!)
            .ToHashSet();
    }
}
