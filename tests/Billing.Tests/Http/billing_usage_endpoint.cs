using System.Net;
using System.Text.Json;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Billing.Tests.Http;

/// <summary>
/// GET /v1/billing/usage shows a tenant, per meter, its month's usage and how much of it went to Stripe.
/// </summary>
public sealed class billing_usage_endpoint(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_tenant_sees_its_months_usage_per_meter_with_what_was_reported_and_what_is_pending()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        var db = pipeline.Database;
        await db.ExecuteAsync(
            """
            INSERT INTO events_daily VALUES ('demo', '2026-11-21', 'pit.v1.exec.trade_fill', 100), ('demo', '2026-11-22', 'pit.v1.exec.trade_fill', 50),
                                            ('demo', '2026-10-31', 'pit.v1.exec.trade_fill', 7), ('other', '2026-11-21', 'pit.v1.exec.trade_fill', 999);
            INSERT INTO usage_daily VALUES ('demo', '2026-11-21', 'gpt-4o', 'USD', 3, 1000, 200, 4500000), ('demo', '2026-11-21', 'gpt-4o', 'EUR', 1, 10, 10, 77);
            INSERT INTO billing_customers (tenant, stripe_customer_id, updated_by) VALUES ('demo', 'cus_demo', 'test');
            INSERT INTO billing_reports (tenant, meter, period, revision, identifier, event_name, stripe_customer_id, value, event_timestamp, status)
            VALUES ('demo', 'events', '2026-11-21', 1, 'i1', 'pit_events', 'cus_demo', 100, '2026-11-21T23:59:59Z', 'reported'),
                   ('demo', 'llm_tokens', '2026-11-21', 1, 'i2', 'pit_llm_tokens', 'cus_demo', 1220, '2026-11-21T23:59:59Z', 'pending');
            """
        );

        var response = await pipeline.Http.GetAsync("/v1/billing/usage?period=2026-11", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        var meters = body.GetProperty("data").EnumerateArray().ToDictionary(m => m.GetProperty("meter").GetString()!);
        Assert.Equal((150, 100, 0, 50), Figures(meters["events"]));
        Assert.Equal((1220, 0, 1220, 0), Figures(meters["llm_tokens"]));
        Assert.Equal((4_500_000, 0, 0, 4_500_000), Figures(meters["llm_cost_micros"]));
        Assert.Equal("pit_events", meters["events"].GetProperty("event_name").GetString());
        var meta = body.GetProperty("meta");
        Assert.Equal("2026-11", meta.GetProperty("period").GetString());
        Assert.Equal("2026-11-01", meta.GetProperty("from").GetString());
        Assert.Equal("2026-11-30", meta.GetProperty("to").GetString());
        Assert.Equal("USD", meta.GetProperty("currency").GetString());
        Assert.True(meta.GetProperty("stripe_customer_linked").GetBoolean());
    }

    [Fact]
    public async Task a_malformed_period_is_a_structured_validation_error()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);

        var response = await pipeline.Http.GetAsync("/v1/billing/usage?period=2026-13", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("error");
        Assert.Equal("ERR_VALIDATION", error.GetProperty("code").GetString());
        Assert.Equal("period", error.GetProperty("details").GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task without_a_key_the_usage_is_not_shown()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        using var anonymous = new HttpClient { BaseAddress = pipeline.Host.BaseAddress };

        var response = await anonymous.GetAsync("/v1/billing/usage", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static (long Quantity, long Reported, long Pending, long Unreported) Figures(JsonElement meter) =>
        (
            meter.GetProperty("quantity").GetInt64(),
            meter.GetProperty("reported").GetInt64(),
            meter.GetProperty("pending").GetInt64(),
            meter.GetProperty("unreported").GetInt64()
        );
}
