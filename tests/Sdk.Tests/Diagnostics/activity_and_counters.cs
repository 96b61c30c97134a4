using System.Diagnostics;
using PitPlatform.Sdk.Results;
using PitPlatform.Sdk.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Sdk.Tests.Diagnostics;

/// <summary>What an application can observe: activities per attempt, the rejected-event callback, counters.</summary>
public sealed class activity_and_counters(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task each_http_attempt_is_a_client_activity_with_its_status()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        await using var proxy = await FaultProxy.StartAsync(pipeline.Host.BaseAddress, n =>
            n == 1 ? Fault.Unavailable : Fault.None
        );
        await using var client = SdkClients.For(proxy.Address, pipeline);
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "PitPlatform.Sdk" or "Sdk.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (activities)
                    activities.Add(a);
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var source = new ActivitySource("Sdk.Tests");
        ActivityTraceId trace;
        using (var parent = source.StartActivity("test"))
        {
            trace = parent!.TraceId;
            await client.SendAsync(Fills.Many(2), Ct);
        }

        // Other tests run in parallel: only this trace's activities count.
        var mine = activities.Where(a => a.TraceId == trace && a.OperationName == "pit.ingest.send").ToList();
        Assert.Equal([503, 202], mine.Select(a => (int)a.GetTagItem("http.response.status_code")!));
        Assert.Equal(ActivityKind.Client, mine[0].Kind);
        Assert.Equal(ActivityStatusCode.Error, mine[0].Status);
        Assert.Equal(2, (int)mine[1].GetTagItem("pit.events")!);
    }

    [Fact]
    public async Task a_tracked_event_breaking_the_schema_reaches_the_callback_and_counters_and_its_neighbour_goes()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        var rejected = new List<PitRejectedEvent>();
        await using var client = SdkClients.For(pipeline, o => o.OnRejected = r =>
            {
                lock (rejected)
                    rejected.Add(r);
            });
        var bad = new Sdk.Events.TradeFillEvent("alpha", "0001")
        {
            Instrument = "ACME",
            Side = Sdk.Events.TradeSide.Sell,
            Quantity = 5,
            PriceMicros = 1,
            Currency = "usd",
        };

        client.Track(Fills.Buy());
        client.Track(bad);
        await client.FlushAsync(Ct);

        var counters = client.GetCounters();
        Assert.Equal((2L, 1L, 1L), (counters.Tracked, counters.Delivered, counters.Rejected));
        var only = Assert.Single(rejected);
        Assert.Same(bad, only.Event);
        Assert.Equal(
            new PitEventError("ERR_VALIDATION", "'currency' must match ^[A-Z]{3}$", "/payload/currency"),
            only.Error
        );
    }

    [Fact]
    public async Task when_the_server_raises_min_supported_sdk_above_this_version_the_client_stops_sending_and_says_so()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        await using var proxy = await FaultProxy.StartAsync(pipeline.Host.BaseAddress, _ => Fault.None);
        var rejected = new List<PitRejectedEvent>();
        await using var client = SdkClients.For(proxy.Address, pipeline, o => o.OnRejected = r =>
            {
                lock (rejected)
                    rejected.Add(r);
            });
        Assert.True(client.IsSdkSupported);

        proxy.MinSupportedSdk = "99.0.0";
        await client.SendAsync([Fills.Buy()], Ct); // delivered; the answer announces the new minimum
        var failure = await Assert.ThrowsAsync<PitIngestionException>(() => client.SendAsync([Fills.Buy()], Ct));
        client.Track(Fills.Buy());
        await client.FlushAsync(Ct);

        Assert.False(client.IsSdkSupported);
        Assert.Equal(
            (426, PitEventError.SdkUnsupported, false),
            (failure.Status, failure.ErrorCode, failure.IsTransient)
        );
        Assert.Equal(PitEventError.SdkUnsupported, Assert.Single(rejected).Error.Code);
        Assert.Single(proxy.Seen);
    }
}
