using Microsoft.Extensions.Configuration;
using PitPlatform.Billing.Tests.Support;
using PitPlatform.Hosting;
using PitPlatform.LocalHost.Commands;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Billing.Tests.Commands;

/// <summary>./pit billing: map customers, print what a run would send, run it.</summary>
public sealed class pit_billing_command(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task customers_set_then_a_dry_run_prints_what_would_be_sent_and_a_run_sends_it()
    {
        await using var billing = await BillingHarness.StartAsync(postgres, Ct);
        await billing.EventsAsync("acme", BillingHarness.Yesterday, 42);
        var configuration = Configuration(billing);

        var (setCode, setOut, _) = await RunAsync(configuration, billing.Clock, "customers", "set", "acme", "cus_acme");
        var (_, listOut, _) = await RunAsync(configuration, billing.Clock, "customers", "list");
        var (dryCode, dryOut, _) = await RunAsync(configuration, billing.Clock, "report", "--dry-run");

        Assert.Equal(0, setCode);
        Assert.Contains("tenant acme is billed to Stripe customer cus_acme", setOut, StringComparison.Ordinal);
        Assert.Contains("acme\tcus_acme", listOut, StringComparison.Ordinal);
        Assert.Equal(0, dryCode);
        Assert.Contains(
            "would send pit_events 42 for acme (cus_acme) period 2026-11-22 revision 1 identifier "
                + "pit_events_20261122_r1_acme",
            dryOut,
            StringComparison.Ordinal
        );
        Assert.Contains("billing dry run 2026-11-16..2026-11-22: 1 to send", dryOut, StringComparison.Ordinal);
        Assert.Empty(billing.Stub.Requests);

        var (runCode, runOut, _) = await RunAsync(configuration, billing.Clock, "report");

        Assert.Equal(0, runCode);
        Assert.Contains(
            "reported pit_events 42 for acme period 2026-11-22 revision 1",
            runOut,
            StringComparison.Ordinal
        );
        Assert.Equal(42, billing.Stub.Total("cus_acme", "pit_events"));
        Assert.Equal(1, await billing.Database.CountAsync("billing_customers", "updated_by LIKE 'operator:%'"));
        Assert.Equal(
            1,
            await billing.Database.CountAsync(
                "audit_entries",
                "tenant = 'acme' AND action = 'billing.customer_set' AND principal LIKE 'operator:%'"
            )
        );
    }

    [Fact]
    public async Task a_malformed_customer_id_and_an_unknown_subcommand_are_usage_errors()
    {
        await using var billing = await BillingHarness.StartAsync(postgres, Ct);
        var configuration = Configuration(billing);

        var (badCode, _, badErr) = await RunAsync(configuration, billing.Clock, "customers", "set", "acme", "acct_123");
        var (unknownCode, _, unknownErr) = await RunAsync(configuration, billing.Clock, "invoice");

        Assert.Equal(2, badCode);
        Assert.Contains("cus_", badErr, StringComparison.Ordinal);
        Assert.Equal(2, unknownCode);
        Assert.Contains("usage: ./pit billing", unknownErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_report_without_a_stripe_key_says_billing_is_off()
    {
        await using var billing = await BillingHarness.StartAsync(postgres, Ct);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?> { [SettingNames.Postgres] = billing.Database.ConnectionString }
            )
            .Build();

        var (code, output, _) = await RunAsync(configuration, billing.Clock, "report");

        Assert.Equal(2, code);
        Assert.Contains("billing is off: PIT_STRIPE_SECRET_KEY is not set", output, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(BillingHarness billing) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    [SettingNames.Postgres] = billing.Database.ConnectionString,
                    [SettingNames.StripeSecretKey] = StripeStub.SecretKey,
                    [SettingNames.StripeApiBase] = billing.Stub.Endpoint.ToString(),
                }
            )
            .Build();

    private static async Task<(int Code, string Output, string Errors)> RunAsync(
        IConfiguration configuration,
        TimeProvider time,
        params string[] args
    )
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = await BillingCommand.RunAsync(configuration, args, output, errors, time, Ct);
        return (code, output.ToString(), errors.ToString());
    }
}
