using PitPlatform.Hosting;

namespace PitPlatform.Functions.Tests.StartUp;

/// <summary>
/// One value for every setting bicep/main.bicep sets on the Functions app (<see cref="SettingNames.SetByDeployment"/>),
/// in the shape it sets them: managed identity for Kafka's producer, Postgres and Blob; Key Vault references already
/// resolved to their secrets, as App Service hands them to the worker. Endpoints are loopback so nothing leaves the
/// machine; nothing here connects while the container is built.
/// </summary>
internal static class DeploymentSettings
{
    public static Dictionary<string, string?> Values() =>
        new()
        {
            [SettingNames.KafkaBootstrap] = "127.0.0.1:9093",
            [SettingNames.KafkaAuth] = "managed-identity",
            [SettingNames.KafkaTriggerConnectionString] =
                "Endpoint=sb://pit-test.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey="
                + Guid.NewGuid().ToString("N"),
            [SettingNames.KafkaDeliveryTimeoutMs] = "30000",
            [SettingNames.Postgres] = "Host=127.0.0.1;Database=pit;Username=pit-func-test;SSL Mode=VerifyFull",
            [SettingNames.PostgresAuth] = "managed-identity",
            [SettingNames.Blob] = "https://127.0.0.1:10000/pittest",
            [SettingNames.ArchiveContainer] = "pit-archive",
            [SettingNames.ApiKeyPepper] = "pepper-" + Guid.NewGuid().ToString("N"),
            [SettingNames.RedactionSecret] = "redaction-" + Guid.NewGuid().ToString("N"),
            [SettingNames.PageTokenSecret] = "page-token-" + Guid.NewGuid().ToString("N"),
            [SettingNames.RateLimitPerSecond] = "1000",
            [SettingNames.RateLimitBurst] = "2000",
            [SettingNames.UsageTextSampleRate] = "0.01",
            [SettingNames.KeyVaultUri] = "https://pit-test.vault.azure.net/",
            [SettingNames.Billing] = "on",
            [SettingNames.BillingCurrency] = "USD",
            [SettingNames.ApprovalExpiryHours] = "72",
            // Entra ID's shape; the signing keys are fetched on the first token, never while the container is built.
            [SettingNames.OidcAuthority] =
                "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
            [SettingNames.OidcAudience] = "api://pit-platform",
            [SettingNames.OidcOperatorRole] = "Pit.Operator",
        };

    /// <summary>The Azure SDK's own settings that bicep/modules/functionapp.bicep sets beside them.</summary>
    public static Dictionary<string, string?> Platform() =>
        new() { [AzureCredentials.Setting] = AzureCredentials.ManagedIdentityOnly };
}
