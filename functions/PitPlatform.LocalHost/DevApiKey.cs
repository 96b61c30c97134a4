using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Tenants;

namespace PitPlatform.LocalHost;

/// <summary>
/// The local host's development key for tenant demo with every scope: PIT_DEV_API_KEY when set, otherwise one
/// generated on first start and kept in the state directory. The tenant exists as a record on the pro plan, so every
/// plan-bounded feature (the longest retention) can be tried locally.
/// </summary>
public static class DevApiKey
{
    public const string Tenant = "demo";

    public static async Task<ApiKeyText> EnsureAsync(
        ApiKeyStore store,
        TenantStore tenants,
        string stateDirectory,
        string? configured,
        CancellationToken cancellationToken
    )
    {
        await tenants
            .EnsureAsync(
                Tenant,
                "Demo (local development)",
                TenantPlans.Pro.Name,
                "system:local-host",
                cancellationToken
            )
            .ConfigureAwait(false);
        var text = configured
            ?? LocalEnvironment.ReadOrCreate(Path.Combine(stateDirectory, "dev-api-key"), () =>
                ApiKeyText.Generate().ToString()
            );
        if (!ApiKeyText.TryParse(text, out var key))
            throw new InvalidOperationException("PIT_DEV_API_KEY must look like pit_<8 of a-z0-9>_<32 of a-z0-9>");
        await store
            .UpsertAsync(key, Tenant, ApiKeyScope.All, "local development key", cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return key;
    }
}
