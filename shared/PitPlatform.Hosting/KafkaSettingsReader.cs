using Microsoft.Extensions.Configuration;
using PitPlatform.Infrastructure.Kafka;

namespace PitPlatform.Hosting;

/// <summary>
/// Reads the Kafka settings (PIT_KAFKA_*). The hosts and the operator commands share it, so they accept and refuse the
/// same values with the same messages; every problem is added to the caller's list, naming its setting.
/// </summary>
public static class KafkaSettingsReader
{
    /// <param name="bootstrapHint">What to say when PIT_KAFKA_BOOTSTRAP is missing: what it is and where it comes
    /// from.</param>
    /// <param name="credential">The Entra credential for managed-identity auth; <see cref="AzureCredentials"/>' choice
    /// when null.</param>
    public static KafkaSettings Read(
        IConfiguration configuration,
        List<string> problems,
        string bootstrapHint,
        Azure.Core.TokenCredential? credential = null
    )
    {
        var bootstrap = configuration[SettingNames.KafkaBootstrap];
        if (string.IsNullOrWhiteSpace(bootstrap))
        {
            problems.Add($"{SettingNames.KafkaBootstrap} is not set ({bootstrapHint})");
            bootstrap = "";
        }

        var auth = (configuration[SettingNames.KafkaAuth] ?? "none").Trim().ToLowerInvariant();
        var authentication = auth switch
        {
            "none" or "" => KafkaAuthentication.None,
            "connection-string" => KafkaAuthentication.ConnectionString,
            "managed-identity" => KafkaAuthentication.ManagedIdentity,
            _ => Invalid(
                KafkaAuthentication.None,
                $"{SettingNames.KafkaAuth} must be none, connection-string or managed-identity, not '{auth}'"
            ),
        };
        string? connection = null;
        if (authentication == KafkaAuthentication.ConnectionString)
        {
            connection = configuration[SettingNames.KafkaConnectionString];
            if (string.IsNullOrWhiteSpace(connection))
                problems.Add(
                    $"{SettingNames.KafkaConnectionString} is not set (the Event Hubs namespace connection "
                        + "string; an app setting or environment variable)"
                );
        }

        var deliveryTimeout = 120_000;
        if (
            configuration[SettingNames.KafkaDeliveryTimeoutMs] is { } timeoutText
            && !string.IsNullOrWhiteSpace(timeoutText)
        )
        {
            if (
                int.TryParse(
                    timeoutText,
                    System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture,
                    out var ms
                )
                && ms > 0
            )
                deliveryTimeout = ms;
            else
                problems.Add(
                    $"{SettingNames.KafkaDeliveryTimeoutMs} must be a positive whole number, not '{timeoutText}'"
                );
        }

        return new KafkaSettings
        {
            BootstrapServers = bootstrap,
            Authentication = authentication,
            TokenProvider =
                authentication == KafkaAuthentication.ManagedIdentity
                    ? new EventHubsTokenProvider(
                        credential ?? AzureCredentials.FromConfiguration(configuration),
                        bootstrap
                    )
                    : null,
            ConnectionString = connection,
            Prefix = configuration[SettingNames.KafkaPrefix] ?? "",
            DeliveryTimeoutMs = deliveryTimeout,
        };

        T Invalid<T>(T fallback, string problem)
        {
            problems.Add(problem);
            return fallback;
        }
    }
}
