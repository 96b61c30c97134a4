using System.Globalization;
using Microsoft.Extensions.Configuration;
using PitPlatform.Billing;

namespace PitPlatform.Hosting;

/// <summary>
/// Reads the billing settings (PIT_BILLING, PIT_STRIPE_*, PIT_BILLING_*). Billing is on when a Stripe secret key is
/// configured, or when PIT_BILLING=on with the key in Key Vault (PIT_KEY_VAULT_URI). Every problem is added to the
/// caller's list naming its setting and where it is expected; a secret's value is never quoted.
/// </summary>
public static class BillingSettingsReader
{
    public static BillingSettings Read(IConfiguration configuration, List<string> problems)
    {
        var key = configuration[SettingNames.StripeSecretKey];
        var keyVault = configuration[SettingNames.KeyVaultUri];
        var switchText = (configuration[SettingNames.Billing] ?? "").Trim().ToLowerInvariant();
        var enabled = switchText switch
        {
            "" => !string.IsNullOrWhiteSpace(key),
            "on" => true,
            "off" => false,
            _ => Problem(false, $"{SettingNames.Billing} must be on or off, not '{switchText}'"),
        };
        if (enabled && string.IsNullOrWhiteSpace(key) && string.IsNullOrWhiteSpace(keyVault))
            problems.Add(
                $"{SettingNames.StripeSecretKey} is not set ({SettingNames.Billing}=on needs Stripe's secret "
                    + "key: an environment variable or "
                    + "local.settings.json locally, a Key Vault reference app setting in Azure, or the Key "
                    + $"Vault secret {SecretName()} with {SettingNames.KeyVaultUri})"
            );
        if (
            !string.IsNullOrWhiteSpace(key)
            && !(key.StartsWith("sk_", StringComparison.Ordinal) || key.StartsWith("rk_", StringComparison.Ordinal))
        )
            problems.Add(
                $"{SettingNames.StripeSecretKey} is malformed: a Stripe secret (sk_...) or restricted "
                    + "(rk_...) key is expected (value not shown)"
            );

        var endpoint = new Uri("https://api.stripe.com/");
        if (configuration[SettingNames.StripeApiBase] is { Length: > 0 } baseText)
        {
            if (
                Uri.TryCreate(baseText.EndsWith('/') ? baseText : baseText + "/", UriKind.Absolute, out var parsed)
                && parsed.Scheme is "https" or "http"
            )
                endpoint = parsed;
            else
                problems.Add(
                    $"{SettingNames.StripeApiBase} must be an absolute http(s) URL such as "
                        + $"https://api.stripe.com, not '{baseText}'"
                );
        }
        var interval = Whole(SettingNames.BillingIntervalMinutes, 60, 1, 24 * 60, "minutes between local billing runs");
        var lookback = Whole(
            SettingNames.BillingLookbackDays,
            7,
            1,
            Billing.Metering.BillingReporter.MaxLookbackDays,
            "past UTC days each billing run considers"
        );
        var settle = Whole(SettingNames.BillingSettleHours, 2, 0, 48, "hours after a UTC day ends before it is billed");
        var currency = (configuration[SettingNames.BillingCurrency] ?? "USD").Trim();
        if (!Contracts.Money.IsCurrencyCode(currency))
            problems.Add(
                $"{SettingNames.BillingCurrency} must be an ISO 4217 code in capitals such as USD, not '{currency}'"
            );

        return new BillingSettings
        {
            Enabled = enabled,
            StripeEndpoint = endpoint,
            ReportInterval = TimeSpan.FromMinutes(interval),
            LookbackDays = lookback,
            SettleDelay = TimeSpan.FromHours(settle),
            Currency = currency,
        };

        int Whole(string name, int fallback, int min, int max, string what)
        {
            var text = configuration[name];
            if (string.IsNullOrWhiteSpace(text))
                return fallback;
            if (
                int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                && value >= min
                && value <= max
            )
                return value;
            problems.Add($"{name} must be a whole number from {min} to {max} ({what}), not '{text}'");
            return fallback;
        }

        T Problem<T>(T fallback, string problem)
        {
            problems.Add(problem);
            return fallback;
        }
    }

    private static string SecretName() =>
        Infrastructure.Secrets.KeyVaultSecretSource.SecretName(SettingNames.StripeSecretKey);
}
