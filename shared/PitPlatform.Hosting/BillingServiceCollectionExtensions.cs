using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PitPlatform.Billing.Http;
using PitPlatform.Billing.Metering;
using PitPlatform.Billing.Stripe;
using PitPlatform.Infrastructure.Secrets;

namespace PitPlatform.Hosting;

/// <summary>
/// Billing and run-time secrets, registered by
/// <see cref="PitPlatformServiceCollectionExtensions.AddPitPlatform(IServiceCollection, PitSettings)"/>.
/// </summary>
public static class BillingServiceCollectionExtensions
{
    public static IServiceCollection AddPitBilling(this IServiceCollection services, PitSettings settings)
    {
        services.AddSingleton(settings.Billing);
        services.AddSingleton<ISecretSource>(sp =>
            settings.KeyVaultUri is { } vault
                ? new KeyVaultSecretSource(
                    new SecretClient(vault, settings.KeyVaultCredential),
                    sp.GetRequiredService<ILogger<KeyVaultSecretSource>>()
                )
                : new ConfigurationSecretSource(sp.GetRequiredService<IConfiguration>())
        );
        services.AddSingleton(sp =>
        {
            var secrets = sp.GetRequiredService<ISecretSource>();
            // Asked before each attempt, so a key rotated in Key Vault is used within the cache duration.
            return new StripeClient(
                async cancellationToken =>
                    await secrets.GetSecretAsync(SettingNames.StripeSecretKey, cancellationToken).ConfigureAwait(false)
                    ?? throw new MissingSettingsException([
                        $"{SettingNames.StripeSecretKey} is not set (the Stripe secret key; Key Vault in Azure)",
                    ]),
                new StripeClientOptions { Endpoint = settings.Billing.StripeEndpoint },
                sp.GetRequiredService<ILogger<StripeClient>>()
            );
        });
        services.AddSingleton<UsageMeterReader>();
        services.AddSingleton<BillingStore>();
        services.AddSingleton<BillingLedger>();
        services.AddSingleton<BillingReporter>();
        services.AddSingleton<BillingReportJob>();
        services.AddSingleton<Contracts.Scheduling.IScheduledJob>(sp => sp.GetRequiredService<BillingReportJob>());
        services.AddSingleton<BillingUsageHandler>();
        return services;
    }
}
