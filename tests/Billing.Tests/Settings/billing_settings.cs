using Microsoft.Extensions.Configuration;
using PitPlatform.Hosting;
using Xunit;

namespace PitPlatform.Billing.Tests.Settings;

/// <summary>
/// The billing settings as PitSettings reads them: off by default, on with a key, every bad value named.
/// </summary>
public sealed class billing_settings
{
    private static Dictionary<string, string?> Required() =>
        new()
        {
            [SettingNames.KafkaBootstrap] = "127.0.0.1:9092",
            [SettingNames.Postgres] = "Host=127.0.0.1;Username=postgres",
            [SettingNames.Blob] = "UseDevelopmentStorage=true",
            [SettingNames.ApiKeyPepper] = "a-pepper-of-sixteen-or-more",
            [SettingNames.RedactionSecret] = "a-redaction-secret-of-at-least-32-bytes",
        };

    private static PitSettings Read(Dictionary<string, string?> values) =>
        PitSettings.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    [Fact]
    public void billing_is_off_without_a_stripe_key_and_defaults_are_sensible()
    {
        var billing = Read(Required()).Billing;

        Assert.False(billing.Enabled);
        Assert.Equal(new Uri("https://api.stripe.com/"), billing.StripeEndpoint);
        Assert.Equal(TimeSpan.FromHours(1), billing.ReportInterval);
        Assert.Equal(7, billing.LookbackDays);
        Assert.Equal("USD", billing.Currency);
    }

    [Fact]
    public void a_stripe_key_turns_billing_on_and_the_other_settings_are_read()
    {
        var values = Required();
        values[SettingNames.StripeSecretKey] = "sk_test_abc";
        values[SettingNames.StripeApiBase] = "http://127.0.0.1:12111";
        values[SettingNames.BillingIntervalMinutes] = "5";
        values[SettingNames.BillingLookbackDays] = "30";
        values[SettingNames.BillingSettleHours] = "0";
        values[SettingNames.BillingCurrency] = "EUR";

        var billing = Read(values).Billing;

        Assert.True(billing.Enabled);
        Assert.Equal(new Uri("http://127.0.0.1:12111/"), billing.StripeEndpoint);
        Assert.Equal(TimeSpan.FromMinutes(5), billing.ReportInterval);
        Assert.Equal(30, billing.LookbackDays);
        Assert.Equal(TimeSpan.Zero, billing.SettleDelay);
        Assert.Equal("EUR", billing.Currency);
    }

    [Fact]
    public void billing_on_with_the_key_in_key_vault_needs_no_key_setting()
    {
        var values = Required();
        values[SettingNames.Billing] = "on";
        values[SettingNames.KeyVaultUri] = "https://pit-prod.vault.azure.net/";

        var settings = Read(values);

        Assert.True(settings.Billing.Enabled);
        Assert.Equal(new Uri("https://pit-prod.vault.azure.net/"), settings.KeyVaultUri);
    }

    [Fact]
    public void every_bad_billing_value_is_named_in_one_exception()
    {
        var values = Required();
        values[SettingNames.Billing] = "maybe";
        values[SettingNames.BillingIntervalMinutes] = "0";
        values[SettingNames.BillingSettleHours] = "-1";
        values[SettingNames.BillingCurrency] = "usd";

        var error = Assert.Throws<MissingSettingsException>(() => Read(values));

        Assert.Contains(error.Problems, p => p.StartsWith("PIT_BILLING must be on or off", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p =>
            p.StartsWith("PIT_BILLING_INTERVAL_MINUTES must be", StringComparison.Ordinal)
        );
        Assert.Contains(error.Problems, p =>
            p.StartsWith("PIT_BILLING_SETTLE_HOURS must be", StringComparison.Ordinal)
        );
        Assert.Contains(error.Problems, p => p.StartsWith("PIT_BILLING_CURRENCY must be", StringComparison.Ordinal));
    }
}
