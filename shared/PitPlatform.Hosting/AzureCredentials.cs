using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace PitPlatform.Hosting;

/// <summary>
/// The one Entra credential a process uses for every Azure client (Kafka, Postgres, Blob, Key Vault, Azure Monitor).
/// Azure's own <c>AZURE_TOKEN_CREDENTIALS</c> setting picks it: Bicep sets <c>ManagedIdentityCredential</c>, so a
/// deployed app asks only its managed identity and never probes developer tools (which would start az or azd
/// processes on a Functions worker). Any other value, or none, is DefaultAzureCredential's, which reads it too.
/// </summary>
public static class AzureCredentials
{
    public const string Setting = "AZURE_TOKEN_CREDENTIALS";
    public const string ManagedIdentityOnly = "ManagedIdentityCredential";

    // One per process and choice: a credential caches its tokens, and building DefaultAzureCredential probes the
    // machine.
    private static readonly Lazy<TokenCredential> ManagedIdentity = new(() =>
        new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
    );
    private static readonly Lazy<TokenCredential> Default = new(() => new DefaultAzureCredential());

    public static TokenCredential FromConfiguration(IConfiguration configuration) =>
        string.Equals(configuration[Setting]?.Trim(), ManagedIdentityOnly, StringComparison.OrdinalIgnoreCase)
            ? ManagedIdentity.Value
            : Default.Value;
}
