using Microsoft.Extensions.Configuration;

namespace PitPlatform.Infrastructure.Secrets;

/// <summary>
/// Secrets from the host's configuration: environment variables locally, app settings in Azure (where a Key Vault
/// reference, <c>@Microsoft.KeyVault(SecretUri=...)</c>, has already been resolved by the platform).
/// </summary>
public sealed class ConfigurationSecretSource(IConfiguration configuration) : ISecretSource
{
    public ValueTask<string?> GetSecretAsync(string settingName, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(configuration[settingName] is { Length: > 0 } value ? value : null);
}
