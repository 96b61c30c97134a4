using PitPlatform.Billing.Metering;
using PitPlatform.Billing.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Billing.Tests.Metering;

public sealed class billing_reports(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateOnly Yesterday = BillingHarness.Yesterday;

    [Fact]
    public async Task each_tenant_meter_and_settled_day_is_one_meter_event_with_a_deterministic_identifier()
    {
        await using var billing = await BillingHarness.StartAsync(postgres, Ct);
        await billing.CustomerAsync("acme", "cus_acme", Ct);
        await billing.EventsAsync("acme", Yesterday, 120);
        await billing.EventsAsync("acme", Yesterday, 30, topic: "pit.v1.llm.call");
        await billing.LlmAsync("acme", Yesterday, inputTokens: 1_000, outputTokens: 250, costMicros: 4_500_000);
        await billing.LlmAsync(
            "acme",
            Yesterday,
            inputTokens: 10,
            outputTokens: 5,
            costMicros: 99,
            model: "gpt-4o",
            currency: "EUR"
        );
        await billing.EventsAsync("acme", Yesterday.AddDays(1), 7); // today: not settled, not reported

        var run = await billing.Reporter.RunAsync(cancellationToken: Ct);

        Assert.True(run.Succeeded);
        Assert.Equal(3, run.Reported.Count);
        Assert.Equal(150, billing.Stub.Total("cus_acme", "pit_events"));
        Assert.Equal(1_265, billing.Stub.Total("cus_acme", "pit_llm_tokens"));
        Assert.Equal(4_500_000, billing.Stub.Total("cus_acme", "pit_llm_cost_micros"));
        var events = Assert.Single(billing.Stub.MeterEvents.Values, e => e.EventName == "pit_events");
        Assert.Equal("pit_events_20261122_r1_acme", events.Identifier);
        Assert.Equal(MeterEventIdentifier.For("acme", "events", Yesterday, 1), events.Identifier);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 23, 59, 59, TimeSpan.Zero).ToUnixTimeSeconds(), events.Timestamp);
        Assert.Equal(
            3,
            await billing.Database.CountAsync(
                "billing_reports",
                "status = 'reported' AND stripe_request_id LIKE 'req_%' AND stripe_response IS NOT NULL"
            )
        );
        Assert.Equal(
            3,
            await billing.Database.CountAsync(
                "audit_entries",
                "tenant = 'acme' AND action = 'billing.reported' AND principal = 'system:billing-reporter' "
                    + "AND details->>'stripe_request_id' LIKE 'req_%'"
            )
        );
        Assert.Equal(
            1,
            await billing.Database.CountAsync(
                "audit_entries",
                "tenant = 'acme' AND action = 'billing.customer_set' AND details->>'stripe_customer_id' = 'cus_acme'"
            )
        );
    }

    [Fact]
    public async Task a_dry_run_lists_what_would_be_sent_and_sends_and_writes_nothing()
    {
        await using var billing = await BillingHarness.StartAsync(postgres, Ct);
        await billing.CustomerAsync("acme", "cus_acme", Ct);
        await billing.EventsAsync("acme", Yesterday, 120);
        await billing.EventsAsync("nocustomer", Yesterday, 5);

        var run = await billing.Reporter.RunAsync(dryRun: true, Ct);

        var planned = Assert.Single(run.Planned);
        Assert.Equal(120, planned.Value);
        Assert.Single(run.Skipped);
        Assert.Contains(run.Lines(), l =>
            l.StartsWith("would send pit_events 120 for acme (cus_acme) period 2026-11-22", StringComparison.Ordinal)
        );
        Assert.Empty(billing.Stub.Requests);
        Assert.Equal(0, await billing.Database.CountAsync("billing_reports"));
        Assert.Equal(0, await billing.Database.CountAsync("billing_skips"));
    }

    [Fact]
    public async Task late_usage_for_a_reported_day_goes_as_a_second_revision_holding_only_the_difference()
    {
        await using var billing = await BillingHarness.StartAsync(postgres, Ct);
        await billing.CustomerAsync("acme", "cus_acme", Ct);
        await billing.EventsAsync("acme", Yesterday, 100);
        await billing.Reporter.RunAsync(cancellationToken: Ct);

        await billing.EventsAsync("acme", Yesterday, 112);
        var run = await billing.Reporter.RunAsync(cancellationToken: Ct);

        var late = Assert.Single(run.Reported).Report;
        Assert.Equal(2, late.Revision);
        Assert.Equal(12, late.Value);
        Assert.Equal(112, billing.Stub.Total("cus_acme", "pit_events"));
    }

    [Fact]
    public async Task without_a_stripe_key_a_run_sends_nothing_and_says_billing_is_off()
    {
        await using var billing = await BillingHarness.StartAsync(postgres, Ct);
        await billing.CustomerAsync("acme", "cus_acme", Ct);
        await billing.EventsAsync("acme", Yesterday, 100);
        var off = new BillingReporter(
            billing.Store,
            new UsageMeterReader(billing.Database.DataSource),
            billing.Stripe,
            billing.Settings with
            {
                Enabled = false,
            },
            billing.Ledger,
            billing.Clock,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<BillingReporter>.Instance
        );

        var run = await off.RunAsync(cancellationToken: Ct);

        Assert.True(run.Disabled);
        Assert.Empty(billing.Stub.Requests);
    }

    [Fact]
    public async Task a_second_concurrent_run_finds_the_lock_held_and_does_nothing()
    {
        await using var billing = await BillingHarness.StartAsync(postgres, Ct);
        await using var holder = await billing.Database.DataSource.OpenConnectionAsync(Ct);
        await using (
            var take = new Npgsql.NpgsqlCommand(
                "SELECT pg_advisory_lock(hashtextextended('billing-reporter:' || current_schema(), 7))",
                holder
            )
        )
            await take.ExecuteScalarAsync(Ct);

        var run = await billing.Reporter.RunAsync(cancellationToken: Ct);

        Assert.True(run.Busy);
    }
}
