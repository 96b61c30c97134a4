using Microsoft.Extensions.Configuration;
using Npgsql;
using PitPlatform.Access.RateLimiting;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Infrastructure.Postgres;
using PitPlatform.Processing.Usage;

namespace PitPlatform.Hosting;

/// <summary>
/// The validated settings of one host. <see cref="FromConfiguration"/> fails fast, naming what is missing.
/// </summary>
public sealed partial class PitSettings
{
    public required KafkaSettings Kafka { get; init; }
    public required PostgresSettings Postgres { get; init; }

    /// <summary>
    /// PIT_BLOB: a storage connection string, or the Blob service URL for managed identity (shared keys off).
    /// </summary>
    public required string BlobConnectionString { get; init; }

    /// <summary>The Entra credential for a Blob service URL; null with a connection string.</summary>
    public Azure.Core.TokenCredential? BlobCredential { get; init; }

    /// <summary>The app's identity for reading secrets from <see cref="KeyVaultUri"/>; null without a vault.</summary>
    public Azure.Core.TokenCredential? KeyVaultCredential { get; init; }

    /// <summary>The Blob container the archiver writes to (PIT_ARCHIVE_CONTAINER).</summary>
    public string ArchiveContainer { get; init; } = Processing.Archive.ArchiveStorage.DefaultContainer;
    public required string ApiKeyPepper { get; init; }
    public required string RedactionSecret { get; init; }
    public RateLimitOptions RateLimits { get; init; } = new();

    /// <summary>
    /// The HMAC key of NAV page tokens: PIT_PAGE_TOKEN_SECRET, or derived from the redaction secret when unset.
    /// </summary>
    public byte[] PageTokenKey { get; init; } = [];

    /// <summary>
    /// The sampled fraction of LLM calls whose full text is kept, in parts per million (PIT_USAGE_TEXT_SAMPLE_RATE).
    /// </summary>
    public int UsageTextSamplePartsPerMillion { get; init; } = UsageTextSampling.DefaultPartsPerMillion;

    /// <summary>
    /// Approval expiry (PIT_APPROVAL_EXPIRY_HOURS) and deletion step pause (PIT_DELETION_STEP_PAUSE_MS).
    /// </summary>
    public Governance.Approvals.GovernanceOptions Governance { get; init; } = new();

    /// <summary>
    /// Stripe usage billing (PIT_BILLING, PIT_STRIPE_*, PIT_BILLING_*); off unless a Stripe key is configured.
    /// </summary>
    public PitPlatform.Billing.BillingSettings Billing { get; init; } = new();

    /// <summary>
    /// The Key Vault run-time secrets are read from (PIT_KEY_VAULT_URI); null reads them from configuration.
    /// </summary>
    public Uri? KeyVaultUri { get; init; }

    /// <summary>
    /// The OpenID Connect provider people sign in with (PIT_OIDC_*); null when only API keys are accepted.
    /// </summary>
    public Access.People.IdentitySettings? Identity { get; init; }

    /// <summary>Retention default, bounds, tiers and sweep (PIT_RETENTION_*).</summary>
    public Governance.Retention.RetentionSettings Retention { get; init; } = new();

    /// <param name="credential">The Entra credential for managed-identity auth; <see cref="AzureCredentials"/>' choice
    /// when null.</param>
    public static PitSettings FromConfiguration(
        IConfiguration configuration,
        Azure.Core.TokenCredential? credential = null
    )
    {
        var problems = new List<string>();
        Azure.Core.TokenCredential Credential() => credential ??= AzureCredentials.FromConfiguration(configuration);
        string Required(string name, string what)
        {
            var value = configuration[name];
            if (string.IsNullOrWhiteSpace(value))
                problems.Add($"{name} is not set ({what}; an app setting or environment variable)");
            return value ?? "";
        }

        var kafka = KafkaSettingsReader.Read(
            configuration,
            problems,
            "Kafka bootstrap servers, e.g. <namespace>.servicebus.windows.net:9093; an app setting or "
                + "environment variable",
            credential
        );
        var postgres = Required(SettingNames.Postgres, "an Npgsql connection string");
        var blob = Required(
            SettingNames.Blob,
            "an Azure Storage connection string, or the Blob service URL for managed identity"
        );
        var blobIsUrl = blob.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        if (blobIsUrl && !Uri.TryCreate(blob, UriKind.Absolute, out _))
            problems.Add($"{SettingNames.Blob} is not a valid URL");
        var postgresAuth = (configuration[SettingNames.PostgresAuth] ?? "password").Trim().ToLowerInvariant();
        if (postgresAuth is not ("password" or "" or "managed-identity"))
            problems.Add($"{SettingNames.PostgresAuth} must be password or managed-identity, not '{postgresAuth}'");
        var pepper = Required(
            SettingNames.ApiKeyPepper,
            "the API key pepper, at least 16 characters; Key Vault in Azure"
        );
        if (pepper.Length is > 0 and < 16)
            problems.Add($"{SettingNames.ApiKeyPepper} must be at least 16 characters");
        var redactionSecret = Required(
            SettingNames.RedactionSecret,
            "the secret tenant redaction keys derive from, at least 32 bytes; Key Vault in Azure"
        );
        if (redactionSecret.Length > 0 && System.Text.Encoding.UTF8.GetByteCount(redactionSecret) < 32)
            problems.Add($"{SettingNames.RedactionSecret} must be at least 32 bytes");

        var pageTokenSecret = configuration[SettingNames.PageTokenSecret];
        if (!string.IsNullOrEmpty(pageTokenSecret) && System.Text.Encoding.UTF8.GetByteCount(pageTokenSecret) < 32)
            problems.Add(
                $"{SettingNames.PageTokenSecret} must be at least 32 bytes (or unset: the key is then "
                    + $"derived from {SettingNames.RedactionSecret})"
            );

        if (postgres.Length > 0)
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(postgres);
            }
            catch (ArgumentException)
            {
                problems.Add($"{SettingNames.Postgres} is not a valid Npgsql connection string");
            }
        }
        var archiveContainer = configuration[SettingNames.ArchiveContainer] is { Length: > 0 } container
            ? container.Trim()
            : Processing.Archive.ArchiveStorage.DefaultContainer;
        if (!ContainerName().IsMatch(archiveContainer))
            problems.Add(
                $"{SettingNames.ArchiveContainer} must be a Blob container name (3 to 63 lower-case letters, "
                    + $"digits and single hyphens), not '{archiveContainer}'"
            );
        var rate = OptionalPositive(SettingNames.RateLimitPerSecond, 1_000);
        var burst = OptionalPositive(SettingNames.RateLimitBurst, 2_000);
        var sampleRate = UsageTextSampling.DefaultPartsPerMillion;
        if (configuration[SettingNames.UsageTextSampleRate] is { Length: > 0 } sampleText)
        {
            if (UsageTextSampling.ParsePartsPerMillion(sampleText) is { } ppm)
                sampleRate = ppm;
            else
                problems.Add(
                    $"{SettingNames.UsageTextSampleRate} must be a fraction from 0 to 1 with at most six "
                        + $"decimals (e.g. 0.01), not '{sampleText}'"
                );
        }
        var expiryHours = OptionalPositive(SettingNames.ApprovalExpiryHours, 72);
        if (expiryHours > 24 * 366)
            problems.Add(
                $"{SettingNames.ApprovalExpiryHours} must be at most {24 * 366} hours (a year), not {expiryHours}"
            );
        var stepPause = 0;
        if (
            configuration[SettingNames.DeletionStepPauseMs] is { Length: > 0 } pauseText
            && (
                !int.TryParse(
                    pauseText,
                    System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture,
                    out stepPause
                )
                || stepPause > 600_000
            )
        )
            problems.Add(
                $"{SettingNames.DeletionStepPauseMs} must be a whole number of milliseconds from 0 to "
                    + $"600000, not '{pauseText}'"
            );
        var billing = BillingSettingsReader.Read(configuration, problems);
        Uri? keyVault = null;
        if (
            configuration[SettingNames.KeyVaultUri] is { Length: > 0 } vaultText
            && !(Uri.TryCreate(vaultText, UriKind.Absolute, out keyVault) && keyVault.Scheme == "https")
        )
            problems.Add(
                $"{SettingNames.KeyVaultUri} must be the vault's https URL such as "
                    + $"https://<vault>.vault.azure.net/, not '{vaultText}'"
            );
        var retention = RetentionSettingsReader.Read(configuration, problems);
        var identity = IdentitySettingsReader.Read(configuration, problems);
        if (problems.Count > 0)
            throw new MissingSettingsException(problems);

        return new PitSettings
        {
            Kafka = kafka,
            Postgres = new PostgresSettings
            {
                ConnectionString = postgres,
                EntraCredential = postgresAuth == "managed-identity" ? Credential() : null,
            },
            BlobConnectionString = blob,
            BlobCredential = blobIsUrl ? Credential() : null,
            ArchiveContainer = archiveContainer,
            ApiKeyPepper = pepper,
            RedactionSecret = redactionSecret,
            PageTokenKey = string.IsNullOrEmpty(pageTokenSecret)
                ? Processing.Nav.NavPageTokens.DeriveKey(redactionSecret)
                : System.Text.Encoding.UTF8.GetBytes(pageTokenSecret),
            RateLimits = new RateLimitOptions { EventsPerSecond = rate, Burst = burst },
            UsageTextSamplePartsPerMillion = sampleRate,
            Governance = new Governance.Approvals.GovernanceOptions
            {
                ApprovalExpiry = TimeSpan.FromHours(expiryHours),
                DeletionStepPause = TimeSpan.FromMilliseconds(stepPause),
            },
            Billing = billing,
            KeyVaultUri = keyVault,
            KeyVaultCredential = keyVault is null ? null : Credential(),
            Retention = retention,
            Identity = identity,
        };

        int OptionalPositive(string name, int fallback)
        {
            var text = configuration[name];
            if (string.IsNullOrWhiteSpace(text))
                return fallback;
            if (
                int.TryParse(
                    text,
                    System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture,
                    out var value
                )
                && value > 0
            )
                return value;
            problems.Add($"{name} must be a positive whole number, not '{text}'");
            return fallback;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial System.Text.RegularExpressions.Regex ContainerName();
}
