using Microsoft.Extensions.Configuration;
using PitPlatform.Governance.Tests.Support;
using PitPlatform.Hosting;
using PitPlatform.LocalHost.Commands;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Tenants;

/// <summary>
/// Billing's one map from a tenant to its Stripe customer is what the tenant API shows: linking a tenant with
/// <c>./pit billing customers set</c> is audited in its chain and read back on <c>GET /v1/tenants/{id}</c>.
/// </summary>
public sealed class tenant_billing_link(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task billing_links_a_tenant_to_its_stripe_customer_and_the_tenant_shows_it()
    {
        await using var api = await TenantApi.StartAsync(postgres, kafka, blob);
        var created = await api.CreateAsync("acme", "team");
        Assert.False(created.GetProperty("tenant").TryGetProperty("stripe_customer_id", out _));
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    [SettingNames.Postgres] = api.Pipeline.Settings[SettingNames.Postgres],
                }
            )
            .Build();

        Assert.Equal(
            0,
            await BillingCommand.RunAsync(
                configuration,
                ["customers", "set", "acme", "cus_Acme123"],
                new StringWriter(),
                new StringWriter(),
                TimeProvider.System,
                Ct
            )
        );

        var tenant = (await Json.ReadAsync(await api.Operator.GetAsync("/v1/tenants/acme", Ct))).GetProperty("data");
        Assert.Equal("cus_Acme123", tenant.GetProperty("stripe_customer_id").GetString());
        var listed = (await Json.ReadAsync(await api.Operator.GetAsync("/v1/tenants", Ct)))
            .GetProperty("data")
            .EnumerateArray()
            .Single(t => t.GetProperty("id").GetString() == "acme");
        Assert.Equal("cus_Acme123", listed.GetProperty("stripe_customer_id").GetString());
        var linked = (await api.AuditAsync("acme")).Single(e => e.Action == "billing.customer_set");
        Assert.Equal("cus_Acme123", linked.Details.GetProperty("stripe_customer_id").GetString());
    }
}
