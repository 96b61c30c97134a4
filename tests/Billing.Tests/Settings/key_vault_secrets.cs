using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Billing.Tests.Support;
using PitPlatform.Hosting;
using PitPlatform.Infrastructure.Secrets;
using Xunit;

namespace PitPlatform.Billing.Tests.Settings;

/// <summary>
/// Run-time secrets from Key Vault through a real SecretClient: cached, rotated, missing, and Key Vault down.
/// </summary>
public sealed class key_vault_secrets
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_secret_is_read_once_per_cache_period_and_a_rotated_value_is_used_after_it()
    {
        await using var vault = await KeyVaultStub.StartAsync(Ct);
        vault.Secrets["pit-stripe-secret-key"] = "sk_test_first";
        var clock = new FixedClock(DateTimeOffset.UtcNow);
        var source = new KeyVaultSecretSource(vault.Client(), NullLogger.Instance, clock, TimeSpan.FromMinutes(5));

        var first = await source.GetSecretAsync(SettingNames.StripeSecretKey, Ct);
        var cached = await source.GetSecretAsync(SettingNames.StripeSecretKey, Ct);
        vault.Secrets["pit-stripe-secret-key"] = "sk_test_rotated";
        var stillCached = await source.GetSecretAsync(SettingNames.StripeSecretKey, Ct);
        clock.Now += TimeSpan.FromMinutes(6);
        var rotated = await source.GetSecretAsync(SettingNames.StripeSecretKey, Ct);

        Assert.Equal(
            ("sk_test_first", "sk_test_first", "sk_test_first", "sk_test_rotated"),
            (first, cached, stillCached, rotated)
        );
        Assert.Equal(["pit-stripe-secret-key", "pit-stripe-secret-key"], vault.Reads.ToArray());
    }

    [Fact]
    public async Task a_secret_missing_from_the_vault_is_null()
    {
        await using var vault = await KeyVaultStub.StartAsync(Ct);
        var source = new KeyVaultSecretSource(vault.Client(), NullLogger.Instance);

        Assert.Null(await source.GetSecretAsync(SettingNames.StripeSecretKey, Ct));
    }

    [Fact]
    public async Task key_vault_down_after_the_cache_expired_keeps_the_last_value()
    {
        await using var vault = await KeyVaultStub.StartAsync(Ct);
        vault.Secrets["pit-stripe-secret-key"] = "sk_test_first";
        var clock = new FixedClock(DateTimeOffset.UtcNow);
        var source = new KeyVaultSecretSource(vault.Client(), NullLogger.Instance, clock, TimeSpan.FromMinutes(5));
        await source.GetSecretAsync(SettingNames.StripeSecretKey, Ct);

        vault.Down = true;
        clock.Now += TimeSpan.FromMinutes(6);

        Assert.Equal("sk_test_first", await source.GetSecretAsync(SettingNames.StripeSecretKey, Ct));
    }

    [Fact]
    public async Task the_stripe_client_reads_its_key_from_the_vault()
    {
        await using var vault = await KeyVaultStub.StartAsync(Ct);
        await using var stripe = await StripeStub.StartAsync(Ct);
        vault.Secrets["pit-stripe-secret-key"] = StripeStub.SecretKey;
        var source = new KeyVaultSecretSource(vault.Client(), NullLogger.Instance);
        var client = new PitPlatform.Billing.Stripe.StripeClient(
            async ct => (await source.GetSecretAsync(SettingNames.StripeSecretKey, ct))!,
            new PitPlatform.Billing.Stripe.StripeClientOptions { Endpoint = stripe.Endpoint }
        );

        await client.CreateMeterEventAsync(
            new PitPlatform.Billing.Stripe.StripeMeterEventRequest(
                "pit_events",
                "cus_vault",
                3,
                DateTimeOffset.UtcNow,
                "vault-1"
            ),
            Ct
        );

        Assert.Equal(3, stripe.Total("cus_vault", "pit_events"));
    }
}
