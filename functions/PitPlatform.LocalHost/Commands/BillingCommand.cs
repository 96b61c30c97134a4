using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PitPlatform.Billing.Metering;
using PitPlatform.Billing.Stripe;
using PitPlatform.Hosting;
using PitPlatform.Infrastructure.Secrets;

namespace PitPlatform.LocalHost.Commands;

/// <summary>
/// <c>./pit billing report [--dry-run]</c> runs the billing reporter once (a dry run prints what would be sent and
/// writes nothing); <c>./pit billing customers set TENANT cus_...</c> maps a tenant to its Stripe customer (audited);
/// <c>./pit billing customers list</c> shows the mapping. Exit codes: 0 done, 1 some reports failed or were left
/// pending, 2 usage or a missing setting.
/// </summary>
public static class BillingCommand
{
    public const string Name = "billing";
    private const string Usage =
        "usage: ./pit billing report [--dry-run] | billing customers set TENANT cus_... | billing customers list";

    public static Task<int> RunAsync(
        IConfiguration configuration,
        string[] args,
        CancellationToken cancellationToken
    ) => RunAsync(configuration, args, Console.Out, Console.Error, TimeProvider.System, cancellationToken);

    public static async Task<int> RunAsync(
        IConfiguration configuration,
        string[] args,
        TextWriter output,
        TextWriter errors,
        TimeProvider time,
        CancellationToken cancellationToken
    )
    {
        var problems = new List<string>();
        var settings = BillingSettingsReader.Read(configuration, problems);
        if (string.IsNullOrWhiteSpace(configuration[SettingNames.Postgres]))
            problems.Add(
                $"{SettingNames.Postgres} is not set: set it, or run ./pit up in another terminal so its "
                    + "endpoints are published"
            );
        if (problems.Count > 0)
        {
            await errors.WriteLineAsync(string.Join(Environment.NewLine, problems)).ConfigureAwait(false);
            return 2;
        }
        await using var database = NpgsqlDataSource.Create(configuration[SettingNames.Postgres]!);
        var store = new BillingStore(database);
        var ledger = new BillingLedger(database, new Governance.Audit.AuditTrail(database, time));
        switch (args)
        {
            case ["report", .. var rest] when rest.All(a => a == "--dry-run"):
            {
                var secrets = new ConfigurationSecretSource(configuration);
                var stripe = new StripeClient(
                    async ct =>
                        await secrets.GetSecretAsync(SettingNames.StripeSecretKey, ct).ConfigureAwait(false) ?? "",
                    new StripeClientOptions { Endpoint = settings.StripeEndpoint }
                );
                var reporter = new BillingReporter(
                    store,
                    new UsageMeterReader(database),
                    stripe,
                    settings,
                    ledger,
                    time,
                    NullLogger<BillingReporter>.Instance
                );
                var run = await reporter.RunAsync(dryRun: rest.Length > 0, cancellationToken).ConfigureAwait(false);
                foreach (var line in run.Lines())
                    await output.WriteLineAsync(line).ConfigureAwait(false);
                return run.Disabled ? 2
                    : run.DryRun || run.Succeeded ? 0
                    : 1;
            }
            case ["customers", "set", var tenant, var customer]:
                if (
                    Contracts.Keys.KeySegment.Check("tenant", tenant) is not null
                    || !System.Text.RegularExpressions.Regex.IsMatch(customer, "^cus_[A-Za-z0-9]{1,64}$")
                )
                {
                    await errors
                        .WriteLineAsync("TENANT must be a tenant name and the customer a Stripe customer id (cus_...)")
                        .ConfigureAwait(false);
                    return 2;
                }
                await ledger.SetCustomerAsync(tenant, customer, Operator(), cancellationToken).ConfigureAwait(false);
                await output
                    .WriteLineAsync($"tenant {tenant} is billed to Stripe customer {customer}")
                    .ConfigureAwait(false);
                return 0;
            case ["customers", "list"]:
                foreach (
                    var (tenant, customer) in (
                        await store.LoadCustomersAsync(cancellationToken).ConfigureAwait(false)
                    ).OrderBy(c => c.Key, StringComparer.Ordinal)
                )
                    await output.WriteLineAsync($"{tenant}\t{customer}").ConfigureAwait(false);
                return 0;
            default:
                await errors.WriteLineAsync(Usage).ConfigureAwait(false);
                return 2;
        }
    }

    /// <summary>Who ran the command, for the audit trail: the operator's OS account.</summary>
    public static Governance.Audit.AuditActor Operator() => new("operator:" + Environment.UserName, null);
}
