namespace PitPlatform.Infrastructure.Secrets;

/// <summary>
/// Where the few secrets read at run time (not at start-up) come from, by setting name: the Stripe key, for example,
/// so a key rotated in Key Vault is used without a restart. Locally the environment (or local.settings.json); in
/// Azure, Key Vault through <see cref="KeyVaultSecretSource"/>. Values are never logged.
/// </summary>
public interface ISecretSource
{
    /// <returns>The secret's value, or null when it is not set.</returns>
    ValueTask<string?> GetSecretAsync(string settingName, CancellationToken cancellationToken = default);
}
