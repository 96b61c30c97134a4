using System.Text.Json;
using PitPlatform.Sdk.Events;
using PitPlatform.Sdk.Results;
using PitPlatform.Sdk.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Sdk.Tests.Delivery;

/// <summary>SendAsync/Send against the local host over HTTP: one result per event, in order.</summary>
public sealed class send_results(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task valid_events_are_accepted_with_their_topic_and_offsets_and_gzip_bodies_are_decoded_by_the_host()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        await using var client = SdkClients.For(pipeline);
        var llm = new LlmCallEvent("assistant")
        {
            Model = "gpt-4.1",
            InputTokens = 12,
            OutputTokens = 9,
            CostMicros = 310,
            Currency = "USD",
            LatencyMs = 840,
        };
        PitEvent[] events = [Fills.Buy(), llm, Fills.Buy(cell: "0002")];

        var sent = await client.SendAsync(events, Ct);

        Assert.Equal(3, sent.Accepted);
        Assert.Equal(events.Select(e => e.EventId), sent.Results.Select(r => r.EventId));
        Assert.All(sent.Results, r => Assert.Equal(PitEventStatus.Accepted, r.Status));
        Assert.EndsWith("pit.v1.exec.trade_fill", sent.Results[0].Topic);
        Assert.EndsWith("pit.v1.runtime.llm_call", sent.Results[1].Topic);
        Assert.NotNull(sent.Results[0].Offset);
    }

    [Fact]
    public async Task an_event_breaking_the_schema_is_refused_client_side_with_the_servers_code_and_neighbours_go()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        await using var client = SdkClients.For(pipeline);
        PitEvent[] events =
        [
            Fills.Buy(),
            Fills.Buy(quantity: 0),
            new GenericEvent("exec.unknown", "alpha", "0001", JsonDocument.Parse("{}").RootElement),
            Fills.Buy(),
        ];

        var sent = client.Send(events, Ct);

        Assert.Equal(
            [PitEventStatus.Accepted, PitEventStatus.Rejected, PitEventStatus.Rejected, PitEventStatus.Accepted],
            sent.Results.Select(r => r.Status)
        );
        Assert.Equal(
            new PitEventError("ERR_VALIDATION", "'quantity' must be at least 1", "/payload/quantity"),
            sent.Results[1].Error
        );
        Assert.Equal("ERR_UNKNOWN_EVENT_TYPE", sent.Results[2].Error!.Code);
        Assert.Equal("/type", sent.Results[2].Error!.Pointer);
        Assert.Equal(2, client.GetCounters().Rejected);
    }

    [Fact]
    public async Task more_events_than_one_request_holds_go_in_several_requests_and_keep_their_order()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        await using var proxy = await FaultProxy.StartAsync(pipeline.Host.BaseAddress, _ => Fault.None);
        await using var client = SdkClients.For(proxy.Address, pipeline, o => o.MaxBatchEvents = 40);
        var events = Fills.Many(100);

        var sent = await client.SendAsync(events, Ct);

        Assert.Equal(100, sent.Accepted);
        Assert.Equal(events.Select(e => e.EventId), sent.Results.Select(r => r.EventId));
        Assert.Equal([40, 40, 20], proxy.Seen.Select(s => s.EventIds.Count));
    }

    [Fact]
    public async Task a_wrong_key_fails_the_request_with_a_typed_exception_that_is_not_transient()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        await using var client = new PitIngestionClient(
            pipeline.Host.BaseAddress,
            "pit_aaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
            SdkClients.FastOptions()
        );

        var failure = await Assert.ThrowsAsync<PitIngestionException>(() => client.SendAsync([Fills.Buy()], Ct));

        Assert.Equal(401, failure.Status);
        Assert.Equal("ERR_UNAUTHENTICATED", failure.ErrorCode);
        Assert.False(failure.IsTransient);
        Assert.Equal(0, client.GetCounters().Retries);
    }
}
