using System.Net;
using System.Text;
using System.Text.Json;
using PitPlatform.Billing.Metering;
using PitPlatform.Billing.Tests.Support;
using PitPlatform.Hosting;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Billing.Tests.EndToEnd;

/// <summary>
/// POST /v1/events -> Kafka -> usage aggregator -> billing reporter -> Stripe meter events, on the local host.
/// </summary>
public sealed class ingest_to_stripe(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ingested_llm_calls_are_billed_once_per_meter_even_when_posted_twice_and_reported_twice()
    {
        await using var stripe = await StripeStub.StartAsync(Ct);
        await using var pipeline = await TestPipeline.StartAsync(
            await postgres.CreateDatabaseAsync(migrate: false),
            kafka,
            blob,
            settings: new Dictionary<string, string?>
            {
                [SettingNames.StripeSecretKey] = StripeStub.SecretKey,
                [SettingNames.StripeApiBase] = stripe.Endpoint.ToString(),
                [SettingNames.BillingSettleHours] = "0",
            }
        );
        var yesterday = DateTime.UtcNow.Date.AddDays(-1);
        var first = Guid.NewGuid();
        await PostAsync(pipeline, Call(first, 100, 20, 1_500, yesterday.AddHours(9)));
        await PostAsync(pipeline, Call(first, 100, 20, 1_500, yesterday.AddHours(9))); // redelivered: counted once
        await PostAsync(pipeline, Call(Guid.NewGuid(), 50, 5, 700, yesterday.AddHours(23)));
        await pipeline
            .Service<BillingLedger>()
            .SetCustomerAsync("demo", "cus_demo", Governance.Audit.AuditActor.ForSystem("test"), Ct);
        await Eventually.WaitForAsync(
            () => pipeline.Database.ScalarAsync<long>("SELECT coalesce(sum(calls), 0)::bigint FROM usage_daily"),
            calls => calls == 2,
            TimeSpan.FromSeconds(60),
            "two calls aggregated"
        );

        var reporter = pipeline.Service<BillingReporter>();
        // The scheduled job may be running at the same moment; it holds the lock, so wait for a run of our own.
        var run = await Eventually.WaitForAsync(
            () => reporter.RunAsync(cancellationToken: Ct),
            r => !r.Busy,
            TimeSpan.FromSeconds(30),
            "a billing run"
        );
        var again = await Eventually.WaitForAsync(
            () => reporter.RunAsync(cancellationToken: Ct),
            r => !r.Busy,
            TimeSpan.FromSeconds(30),
            "a second billing run"
        );

        Assert.True(run.Succeeded, string.Join('\n', run.Lines()));
        Assert.Equal(0, await pipeline.Database.CountAsync("billing_reports", "status = 'pending'"));
        Assert.Empty(again.Planned);
        Assert.Equal(175, stripe.Total("cus_demo", "pit_llm_tokens"));
        Assert.Equal(2_200, stripe.Total("cus_demo", "pit_llm_cost_micros"));
        var events = await pipeline.Database.ScalarAsync<long>(
            "SELECT coalesce(sum(events), 0)::bigint FROM events_daily WHERE tenant = 'demo'"
        );
        Assert.Equal(events, stripe.Total("cus_demo", "pit_events"));
        Assert.True(events >= 2);

        var usage = JsonDocument
            .Parse(await pipeline.Http.GetStringAsync($"/v1/billing/usage?period={yesterday:yyyy-MM}", Ct))
            .RootElement;
        var tokens = usage
            .GetProperty("data")
            .EnumerateArray()
            .Single(m => m.GetProperty("meter").GetString() == "llm_tokens");
        Assert.Equal(
            (175L, 175L, 0L),
            (
                tokens.GetProperty("quantity").GetInt64(),
                tokens.GetProperty("reported").GetInt64(),
                tokens.GetProperty("unreported").GetInt64()
            )
        );
    }

    private static string Call(Guid id, long input, long output, long cost, DateTime ts) =>
        JsonSerializer.Serialize(
            new
            {
                data = new[]
                {
                    new
                    {
                        type = "runtime.llm_call",
                        event_id = id,
                        ts = ts.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                        series = "assistant",
                        payload = new
                        {
                            model = "gpt-4o",
                            input_tokens = input,
                            output_tokens = output,
                            prompt = "hello",
                            response = "hi",
                            cost_micros = cost,
                            currency = "USD",
                        },
                    },
                },
            }
        );

    private static async Task PostAsync(TestPipeline pipeline, string body)
    {
        var response = await pipeline.Http.PostAsync(
            "/v1/events",
            new StringContent(body, Encoding.UTF8, "application/json"),
            Ct
        );
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Ct));
    }
}
