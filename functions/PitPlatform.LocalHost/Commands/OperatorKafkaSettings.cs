using Microsoft.Extensions.Configuration;
using PitPlatform.Hosting;
using PitPlatform.Infrastructure.Kafka;

namespace PitPlatform.LocalHost.Commands;

/// <summary>
/// The Kafka settings an operator command needs, and only those (a command must not require the API-key pepper to
/// read a topic). The same setting names as the hosts; a missing or malformed one fails with each named.
/// </summary>
public static class OperatorKafkaSettings
{
    public static KafkaSettings FromConfiguration(IConfiguration configuration)
    {
        var problems = new List<string>();
        var bootstrap = configuration[SettingNames.KafkaBootstrap];
        if (string.IsNullOrWhiteSpace(bootstrap))
            problems.Add($"{SettingNames.KafkaBootstrap} is not set (Kafka bootstrap servers; or run ./pit up in another terminal, whose endpoints are used)");
        var auth = (configuration[SettingNames.KafkaAuth] ?? "none").Trim().ToLowerInvariant();
        var authentication = auth switch
        {
            "none" or "" => KafkaAuthentication.None,
            "connection-string" => KafkaAuthentication.ConnectionString,
            "managed-identity" => KafkaAuthentication.ManagedIdentity,
            _ => KafkaAuthentication.None,
        };
        if (auth is not ("none" or "" or "connection-string" or "managed-identity"))
            problems.Add($"{SettingNames.KafkaAuth} must be none, connection-string or managed-identity, not '{auth}'");
        var connection = configuration[SettingNames.KafkaConnectionString];
        if (authentication == KafkaAuthentication.ConnectionString && string.IsNullOrWhiteSpace(connection))
            problems.Add($"{SettingNames.KafkaConnectionString} is not set (the Event Hubs namespace connection string)");
        if (problems.Count > 0) throw new MissingSettingsException(problems);
        return new KafkaSettings
        {
            BootstrapServers = bootstrap!,
            Authentication = authentication,
            ConnectionString = connection,
            TokenProvider = authentication == KafkaAuthentication.ManagedIdentity
                ? new EventHubsTokenProvider(new Azure.Identity.DefaultAzureCredential(), bootstrap!)
                : null,
            Prefix = configuration[SettingNames.KafkaPrefix] ?? "",
        };
    }
}
