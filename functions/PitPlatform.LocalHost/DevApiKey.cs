using PitPlatform.Access.ApiKeys;

namespace PitPlatform.LocalHost;

/// <summary>
/// The local host's development key for tenant demo with every scope: PIT_DEV_API_KEY when set, otherwise one
/// generated on first start and kept in the state directory.
/// </summary>
public static class DevApiKey
{
    public const string Tenant = "demo";

    public static async Task<ApiKeyText> EnsureAsync(ApiKeyStore store, string stateDirectory, string? configured, CancellationToken cancellationToken)
    {
        var text = configured ?? LocalEnvironment.ReadOrCreate(Path.Combine(stateDirectory, "dev-api-key"), () => ApiKeyText.Generate().ToString());
        if (!ApiKeyText.TryParse(text, out var key))
            throw new InvalidOperationException("PIT_DEV_API_KEY must look like pit_<8 of a-z0-9>_<32 of a-z0-9>");
        await store.UpsertAsync(key, Tenant, ApiKeyScope.All, "local development key", cancellationToken: cancellationToken).ConfigureAwait(false);
        return key;
    }
}
