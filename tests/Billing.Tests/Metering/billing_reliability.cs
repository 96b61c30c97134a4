using PitPlatform.Billing.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Billing.Tests.Metering;

public sealed class billing_reliability(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateOnly Yesterday = BillingHarness.Yesterday;

    [Fact]
    public async Task stripe_down_for_a_whole_run_then_back_reports_everything_exactly_once()
    {
        await using var billing = await BillingHarness.StartAsync(postgres, Ct);
        foreach (var tenant in new[] { "a", "b", "c", "d", "e" })
        {
            await billing.CustomerAsync(tenant, "cus_" + tenant, Ct);
            await billing.EventsAsync(tenant, Yesterday, 10);
            await billing.EventsAsync(tenant, Yesterday.AddDays(-1), 20);
        }
        billing.Stub.Down = true;

        var down = await billing.Reporter.RunAsync(cancellationToken: Ct);

        Assert.Empty(down.Reported);
        // Three tenants in a row failing transiently stops the run: the rest is not even tried.
        Assert.Equal(
            billing.Settings.MaxConsecutiveTransientFailures,
            down.Failed.Select(f => f.Report.Tenant).Distinct().Count()
        );
        Assert.All(down.Failed, f => Assert.True(f.Transient));
        Assert.True(down.LeftPending > 0);
        Assert.Equal(10, down.Failed.Count + down.LeftPending);
        Assert.Equal(10, await billing.PendingAsync());
        Assert.Empty(billing.Stub.MeterEvents);

        billing.Stub.Down = false;
        var back = await billing.Reporter.RunAsync(cancellationToken: Ct);
        var again = await billing.Reporter.RunAsync(cancellationToken: Ct);

        Assert.True(back.Succeeded);
        Assert.Equal(10, back.Reported.Count);
        Assert.Empty(again.Planned);
        Assert.Equal(0, await billing.PendingAsync());
        foreach (var tenant in new[] { "a", "b", "c", "d", "e" })
            Assert.Equal(30, billing.Stub.Total("cus_" + tenant, "pit_events"));
    }

    [Fact]
    public async Task the_same_period_reported_twice_is_billed_once()
    {
        await using var billing = await BillingHarness.StartAsync(postgres, Ct);
        await billing.CustomerAsync("acme", "cus_acme", Ct);
        await billing.EventsAsync("acme", Yesterday, 100);
        await billing.LlmAsync("acme", Yesterday, 500, 100, 2_000);

        await billing.Reporter.RunAsync(cancellationToken: Ct);
        var second = await billing.Reporter.RunAsync(cancellationToken: Ct);

        Assert.Empty(second.Planned);
        Assert.Equal(3, billing.Stub.MeterEvents.Count);
        Assert.Equal(100, billing.Stub.Total("cus_acme", "pit_events"));
    }

    [Fact]
    public async Task an_answer_lost_after_stripe_recorded_the_event_is_resent_and_recognised_not_billed_again()
    {
        await using var billing = await BillingHarness.StartAsync(postgres, Ct);
        await billing.CustomerAsync("acme", "cus_acme", Ct);
        await billing.EventsAsync("acme", Yesterday, 100);
        await billing.Reporter.RunAsync(cancellationToken: Ct);
        // As if the process died after Stripe's answer and before the row was marked: it is pending again.
        await billing.Database.ExecuteAsync("UPDATE billing_reports SET status = 'pending', reported_at = NULL");

        var rerun = await billing.Reporter.RunAsync(cancellationToken: Ct);

        var (_, _, alreadyHeld) = Assert.Single(rerun.Reported);
        Assert.True(alreadyHeld);
        Assert.Equal(0, await billing.PendingAsync());
        Assert.Equal(100, billing.Stub.Total("cus_acme", "pit_events"));
    }

    [Fact]
    public async Task billing_state_lost_entirely_still_cannot_double_bill_within_stripes_window()
    {
        await using var billing = await BillingHarness.StartAsync(postgres, Ct);
        await billing.CustomerAsync("acme", "cus_acme", Ct);
        await billing.EventsAsync("acme", Yesterday, 100);
        await billing.Reporter.RunAsync(cancellationToken: Ct);
        await billing.Database.ExecuteAsync("DELETE FROM billing_reports");

        var rerun = await billing.Reporter.RunAsync(cancellationToken: Ct);

        Assert.True(Assert.Single(rerun.Reported).AlreadyHeld);
        Assert.Equal(100, billing.Stub.Total("cus_acme", "pit_events"));
    }

    [Fact]
    public async Task a_tenant_without_a_stripe_customer_is_skipped_recorded_once_and_billed_once_mapped()
    {
        await using var billing = await BillingHarness.StartAsync(postgres, Ct);
        await billing.CustomerAsync("acme", "cus_acme", Ct);
        await billing.EventsAsync("acme", Yesterday, 100);
        await billing.EventsAsync("orphan", Yesterday, 40);

        var first = await billing.Reporter.RunAsync(cancellationToken: Ct);
        var second = await billing.Reporter.RunAsync(cancellationToken: Ct);

        var skipped = Assert.Single(first.Skipped);
        Assert.Equal(("orphan", "events", 40L), (skipped.Tenant, skipped.Meter, skipped.Quantity));
        Assert.Contains(first.Lines(), l =>
            l.StartsWith(
                "skipped events 40 for orphan period 2026-11-22: the tenant has no Stripe customer",
                StringComparison.Ordinal
            )
        );
        Assert.Single(first.Reported);
        Assert.Single(second.Skipped);
        Assert.Equal(1, await billing.Database.CountAsync("billing_skips", "tenant = 'orphan' AND value = 40"));
        // Audited once, not on every run that skips it.
        Assert.Equal(
            1,
            await billing.Database.CountAsync(
                "audit_entries",
                "tenant = 'orphan' AND action = 'billing.customer_missing' AND principal = "
                    + "'system:billing-reporter' AND target = 'billing/events/2026-11-22'"
            )
        );
        Assert.Equal(100, billing.Stub.Total("cus_acme", "pit_events"));

        await billing.CustomerAsync("orphan", "cus_orphan", Ct);
        var mapped = await billing.Reporter.RunAsync(cancellationToken: Ct);

        Assert.Empty(mapped.Skipped);
        Assert.Equal(40, billing.Stub.Total("cus_orphan", "pit_events"));
        Assert.Equal(100, billing.Stub.Total("cus_acme", "pit_events"));
    }

    [Fact]
    public async Task one_tenant_failing_does_not_stop_the_others_and_is_reported_once_stripe_accepts_it()
    {
        await using var billing = await BillingHarness.StartAsync(postgres, Ct);
        foreach (var tenant in new[] { "a", "b", "c" })
        {
            await billing.CustomerAsync(tenant, "cus_" + tenant, Ct);
            await billing.EventsAsync(tenant, Yesterday, 10);
        }
        billing.Stub.FailCustomer("cus_b", 400, "invalid_request_error", "No such customer: 'cus_b'");

        var partial = await billing.Reporter.RunAsync(cancellationToken: Ct);

        Assert.Equal(["a", "c"], partial.Reported.Select(r => r.Report.Tenant).Order().ToArray());
        var failed = Assert.Single(partial.Failed);
        Assert.Equal("b", failed.Report.Tenant);
        Assert.False(failed.Transient);
        Assert.Equal(
            1,
            await billing.Database.CountAsync(
                "billing_reports",
                "tenant = 'b' AND status = 'pending' AND attempts = 1 AND last_error LIKE '%No such customer%'"
            )
        );
        Assert.Equal(
            1,
            await billing.Database.CountAsync(
                "audit_entries",
                "tenant = 'b' AND action = 'billing.failed' AND details->>'stripe_error_type' = 'invalid_request_error'"
            )
        );
        Assert.Equal(2, await billing.Database.CountAsync("audit_entries", "action = 'billing.reported'"));

        billing.Stub.Heal("cus_b");
        var healed = await billing.Reporter.RunAsync(cancellationToken: Ct);

        Assert.Equal("b", Assert.Single(healed.Reported).Report.Tenant);
        foreach (var tenant in new[] { "a", "b", "c" })
            Assert.Equal(10, billing.Stub.Total("cus_" + tenant, "pit_events"));
    }

    [Fact]
    public async Task transient_failures_of_one_tenant_between_successes_do_not_stop_the_run()
    {
        await using var billing = await BillingHarness.StartAsync(postgres, Ct);
        foreach (var tenant in new[] { "a", "b", "c", "d", "e", "f" })
        {
            await billing.CustomerAsync(tenant, "cus_" + tenant, Ct);
            await billing.EventsAsync(tenant, Yesterday, 10);
            await billing.LlmAsync(tenant, Yesterday, 10, 10, 10);
        }
        billing.Stub.FailCustomer("cus_c", 503, "api_error", "Stripe is temporarily unavailable.");

        var run = await billing.Reporter.RunAsync(cancellationToken: Ct);

        Assert.Equal(0, run.LeftPending);
        Assert.Equal(15, run.Reported.Count);
        Assert.Equal(3, run.Failed.Count);
        Assert.All(run.Failed, f => Assert.Equal("c", f.Report.Tenant));
    }

    [Fact]
    public async Task a_pending_report_refused_for_its_customer_goes_to_the_corrected_customer_next_run()
    {
        await using var billing = await BillingHarness.StartAsync(postgres, Ct);
        await billing.CustomerAsync("acme", "cus_wrong", Ct);
        await billing.EventsAsync("acme", Yesterday, 10);
        billing.Stub.FailCustomer("cus_wrong", 400, "invalid_request_error", "No such customer: 'cus_wrong'");
        await billing.Reporter.RunAsync(cancellationToken: Ct);

        await billing.CustomerAsync("acme", "cus_right", Ct);
        var fixedRun = await billing.Reporter.RunAsync(cancellationToken: Ct);

        Assert.Equal("cus_right", Assert.Single(fixedRun.Reported).Report.StripeCustomerId);
        Assert.Equal(10, billing.Stub.Total("cus_right", "pit_events"));
        Assert.Equal(
            1,
            await billing.Database.CountAsync(
                "billing_reports",
                "stripe_customer_id = 'cus_right' AND status = 'reported'"
            )
        );
    }
}
