using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Tenants;

namespace PitPlatform.LocalHost;

/// <summary>
/// The local host's development operator key (scope operator: manages tenants, belongs to none): PIT_DEV_OPERATOR_KEY
/// when set, otherwise one generated on first start and kept in the state directory, like the dev key.
/// </summary>
public static class DevOperatorKey
{
    public const string Principal = "dev-operator";

    public static async Task<ApiKeyText> EnsureAsync(
        ApiKeyStore store,
        string stateDirectory,
        string? configured,
        CancellationToken cancellationToken
    )
    {
        var text = configured
            ?? LocalEnvironment.ReadOrCreate(Path.Combine(stateDirectory, "dev-operator-key"), () =>
                ApiKeyText.Generate().ToString()
            );
        if (!ApiKeyText.TryParse(text, out var key))
            throw new InvalidOperationException("PIT_DEV_OPERATOR_KEY must look like pit_<8 of a-z0-9>_<32 of a-z0-9>");
        await store
            .UpsertAsync(
                key,
                OperatorKeys.Tenant,
                [ApiKeyScope.Operator],
                "local development operator key",
                null,
                null,
                Principal,
                cancellationToken
            )
            .ConfigureAwait(false);
        return key;
    }
}
