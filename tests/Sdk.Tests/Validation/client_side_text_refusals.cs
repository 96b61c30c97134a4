using System.Text.Json;
using PitPlatform.Sdk.Events;
using PitPlatform.Sdk.Results;
using PitPlatform.Sdk.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Sdk.Tests.Validation;

/// <summary>
/// The SDK refuses, before sending, the events the server would refuse because no store can hold them (U+0000, an
/// unpaired surrogate, a time outside the years 1970 to 9998), with the server's code and pointer, and never throws.
/// </summary>
public sealed class client_side_text_refusals(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task events_holding_what_no_store_can_hold_are_refused_client_side_and_their_neighbours_are_sent()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        await using var client = SdkClients.For(pipeline);
        var nul = new TradeFillEvent("alpha", "0001")
        {
            Instrument = "AC\0ME",
            Side = TradeSide.Buy,
            Quantity = 1,
            PriceMicros = 1,
            Currency = "USD",
        };
        var prompt = new GenericEvent(
            "runtime.llm_call",
            "assistant",
            null,
            JsonDocument.Parse("""{"model":"m","prompt":"\ud800","input_tokens":1,"output_tokens":1}""").RootElement
        );
        PitEvent[] events =
        [
            Fills.Buy(),
            nul,
            prompt,
            new TradeFillEvent("alpha", "0001")
            {
                Instrument = "ACME",
                Side = TradeSide.Buy,
                Quantity = 1,
                PriceMicros = 1,
                Currency = "USD",
                Timestamp = new DateTimeOffset(1969, 12, 31, 23, 0, 0, TimeSpan.Zero),
            },
        ];

        var sent = client.Send(events, Ct);

        Assert.Equal(
            [PitEventStatus.Accepted, PitEventStatus.Rejected, PitEventStatus.Rejected, PitEventStatus.Rejected],
            sent.Results.Select(r => r.Status)
        );
        Assert.Equal(
            ("ERR_VALIDATION", "/payload/instrument"),
            (sent.Results[1].Error!.Code, sent.Results[1].Error!.Pointer)
        );
        Assert.Equal("ERR_VALIDATION", sent.Results[2].Error!.Code);
        Assert.Equal(("ERR_VALIDATION", "/ts"), (sent.Results[3].Error!.Code, sent.Results[3].Error!.Pointer));
        Assert.Equal(3, client.GetCounters().Rejected);
    }
}
