using PitPlatform.Billing.Tests.Support;
using PitPlatform.Hosting;
using Xunit;

namespace PitPlatform.Billing.Tests.Settings;

/// <summary>
/// The real local host process stops at start-up on a missing or malformed setting, naming it and where it goes.
/// </summary>
public sealed class host_start_settings
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Endpoints that are set (so nothing embedded starts) but never reached: start-up fails before.</summary>
    private static Dictionary<string, string> Unreached() =>
        new()
        {
            [SettingNames.KafkaBootstrap] = "127.0.0.1:1",
            [SettingNames.Postgres] = "Host=127.0.0.1;Port=1;Username=postgres",
            [SettingNames.Blob] = "UseDevelopmentStorage=true",
        };

    [Fact]
    public async Task malformed_billing_settings_stop_the_host_with_exit_code_2_naming_each_setting_and_never_the_key()
    {
        const string notAStripeKey = "live_0123456789abcdefSECRETVALUE";
        var environment = Unreached();
        environment[SettingNames.StripeSecretKey] = notAStripeKey;
        environment[SettingNames.BillingLookbackDays] = "90";
        environment[SettingNames.StripeApiBase] = "ftp://stripe";
        await using var host = LocalHostProcess.Start(environment);

        Assert.False(await host.WaitUntilListeningOrExitedAsync(TimeSpan.FromSeconds(60), Ct));

        Assert.Equal(2, host.ExitCode);
        var output = string.Join('\n', host.Lines);
        Assert.Contains(
            "PIT_STRIPE_SECRET_KEY is malformed: a Stripe secret (sk_...) or restricted (rk_...) key is expected",
            output,
            StringComparison.Ordinal
        );
        Assert.Contains(
            "PIT_BILLING_LOOKBACK_DAYS must be a whole number from 1 to 30",
            output,
            StringComparison.Ordinal
        );
        Assert.Contains("PIT_STRIPE_API_BASE must be an absolute http(s) URL", output, StringComparison.Ordinal);
        Assert.DoesNotContain(notAStripeKey, output, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETVALUE", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task billing_switched_on_without_a_key_stops_the_host_saying_where_the_key_is_expected()
    {
        var environment = Unreached();
        environment[SettingNames.Billing] = "on";
        await using var host = LocalHostProcess.Start(environment);

        Assert.False(await host.WaitUntilListeningOrExitedAsync(TimeSpan.FromSeconds(60), Ct));

        Assert.Equal(2, host.ExitCode);
        var output = string.Join('\n', host.Lines);
        Assert.Contains("PIT_STRIPE_SECRET_KEY is not set", output, StringComparison.Ordinal);
        Assert.Contains("local.settings.json", output, StringComparison.Ordinal);
        Assert.Contains("Key Vault", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_missing_required_platform_setting_is_named_too()
    {
        var environment = Unreached();
        environment[SettingNames.KeyVaultUri] = "http://not-https.example";
        environment[SettingNames.RateLimitBurst] = "lots";
        await using var host = LocalHostProcess.Start(environment);

        Assert.False(await host.WaitUntilListeningOrExitedAsync(TimeSpan.FromSeconds(60), Ct));

        Assert.Equal(2, host.ExitCode);
        var output = string.Join('\n', host.Lines);
        Assert.Contains("PIT_KEY_VAULT_URI must be the vault's https URL", output, StringComparison.Ordinal);
        Assert.Contains("PIT_RATE_LIMIT_BURST must be a positive whole number", output, StringComparison.Ordinal);
    }
}
