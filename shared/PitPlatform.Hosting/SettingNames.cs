namespace PitPlatform.Hosting;

/// <summary>
/// Every app setting the platform reads: environment variables locally, app settings (Key Vault references for
/// secrets) in Azure. <see cref="SetByDeployment"/> is what bicep/main.bicep sets on the Functions app, exactly
/// (tests/Deployment.Tests holds the two equal).
/// </summary>
public static class SettingNames
{
    public const string KafkaBootstrap = "PIT_KAFKA_BOOTSTRAP";
    public const string KafkaAuth = "PIT_KAFKA_AUTH";
    public const string KafkaConnectionString = "PIT_KAFKA_CONNECTION_STRING";

    /// <summary>
    /// Listen-only Event Hubs connection string for the Functions Kafka triggers (no managed identity there yet).
    /// </summary>
    public const string KafkaTriggerConnectionString = "PIT_KAFKA_TRIGGER_CONNECTION_STRING";
    public const string KafkaPrefix = "PIT_KAFKA_PREFIX";
    public const string KafkaDeliveryTimeoutMs = "PIT_KAFKA_DELIVERY_TIMEOUT_MS";
    public const string Postgres = "PIT_POSTGRES";

    /// <summary>password (the connection string's own) or managed-identity (an Entra token as the password).</summary>
    public const string PostgresAuth = "PIT_POSTGRES_AUTH";
    public const string Blob = "PIT_BLOB";
    public const string ArchiveContainer = "PIT_ARCHIVE_CONTAINER";
    public const string ApiKeyPepper = "PIT_API_KEY_PEPPER";
    public const string RedactionSecret = "PIT_REDACTION_SECRET";
    public const string PageTokenSecret = "PIT_PAGE_TOKEN_SECRET";
    public const string RateLimitPerSecond = "PIT_RATE_LIMIT_PER_SECOND";
    public const string RateLimitBurst = "PIT_RATE_LIMIT_BURST";
    public const string UsageTextSampleRate = "PIT_USAGE_TEXT_SAMPLE_RATE";
    public const string ApprovalExpiryHours = "PIT_APPROVAL_EXPIRY_HOURS";
    public const string DeletionStepPauseMs = "PIT_DELETION_STEP_PAUSE_MS";
    public const string KeyVaultUri = "PIT_KEY_VAULT_URI";
    public const string Billing = "PIT_BILLING";
    public const string StripeSecretKey = "PIT_STRIPE_SECRET_KEY";
    public const string StripeApiBase = "PIT_STRIPE_API_BASE";
    public const string BillingIntervalMinutes = "PIT_BILLING_INTERVAL_MINUTES";
    public const string BillingLookbackDays = "PIT_BILLING_LOOKBACK_DAYS";
    public const string BillingSettleHours = "PIT_BILLING_SETTLE_HOURS";
    public const string BillingCurrency = "PIT_BILLING_CURRENCY";
    public const string RetentionDefaultDays = "PIT_RETENTION_DEFAULT_DAYS";
    public const string RetentionMinDays = "PIT_RETENTION_MIN_DAYS";
    public const string RetentionMaxDays = "PIT_RETENTION_MAX_DAYS";
    public const string RetentionTiers = "PIT_RETENTION_TIERS";
    public const string RetentionSweepPeriodSeconds = "PIT_RETENTION_SWEEP_PERIOD_SECONDS";
    public const string RetentionChunkRows = "PIT_RETENTION_CHUNK_ROWS";

    /// <summary>
    /// json: one JSON object per log line (PitJsonConsoleFormatter); anything else, readable single lines.
    /// </summary>
    public const string LogFormat = "PIT_LOG_FORMAT";

    /// <summary>
    /// on (default), off (no OpenTelemetry at all) or traces (every span recorded and exported to nowhere):
    /// PitTelemetryMode.
    /// </summary>
    public const string Telemetry = "PIT_TELEMETRY";

    /// <summary>
    /// The OpenID Connect issuer whose access tokens the API accepts (Entra ID:
    /// https://login.microsoftonline.com/{tenant}/v2.0); unset: API keys only.
    /// </summary>
    public const string OidcAuthority = "PIT_OIDC_AUTHORITY";

    /// <summary>
    /// The audience our access tokens are issued for (Entra ID: the API app registration's Application ID URI).
    /// </summary>
    public const string OidcAudience = "PIT_OIDC_AUDIENCE";

    /// <summary>The app role that makes a person a platform operator (default Pit.Operator).</summary>
    public const string OidcOperatorRole = "PIT_OIDC_OPERATOR_ROLE";

    /// <summary>The settings the Functions app reads in Azure; bicep/main.bicep sets exactly these.</summary>
    public static readonly IReadOnlyList<string> SetByDeployment =
    [
        KafkaBootstrap,
        KafkaAuth,
        KafkaTriggerConnectionString,
        KafkaDeliveryTimeoutMs,
        Postgres,
        PostgresAuth,
        Blob,
        ArchiveContainer,
        ApiKeyPepper,
        RedactionSecret,
        PageTokenSecret,
        RateLimitPerSecond,
        RateLimitBurst,
        UsageTextSampleRate,
        // Billing: on when the deployment was given a Stripe key, which it keeps in Key Vault as pit-stripe-secret-key
        // and the reporter reads at run time through PIT_KEY_VAULT_URI (so a rotated key needs no restart).
        KeyVaultUri,
        Billing,
        BillingCurrency,
        ApprovalExpiryHours,
        // Sign-in for people with Microsoft Entra ID (empty authority: API keys only); docs/runbooks/tenants.md.
        OidcAuthority,
        OidcAudience,
        OidcOperatorRole,
    ];

    /// <summary>
    /// Settings deliberately not set in Azure: the producer uses managed identity there (no connection string), topic
    /// prefixes are for sharing one local broker, the Stripe key is read from Key Vault at run time rather than as an
    /// app setting, the Stripe base URL is for test stubs, the billing interval is the local host's (Azure runs the
    /// BillingReport timer), lookback and settle delay have defaults (docs/runbooks/billing.md), and the pause
    /// between deletion steps exists for the crash tests.
    /// </summary>
    public static readonly IReadOnlyList<string> NotSetByDeployment =
    [
        KafkaConnectionString,
        KafkaPrefix,
        StripeSecretKey,
        StripeApiBase,
        BillingIntervalMinutes,
        BillingLookbackDays,
        BillingSettleHours,
        DeletionStepPauseMs,
        // Retention runs on its documented defaults unless an operator overrides them; the sweep period is the local
        // host's.
        RetentionDefaultDays,
        RetentionMinDays,
        RetentionMaxDays,
        RetentionTiers,
        RetentionSweepPeriodSeconds,
        RetentionChunkRows,
        // In Azure the worker writes JSON lines whatever this says, and its logs reach Application Insights through
        // OpenTelemetry.
        LogFormat,
        // A switch for measuring telemetry's cost (./pit load telemetry); Azure runs the default.
        Telemetry,
    ];

    /// <summary>Settings whose values are secrets: Key Vault references in Azure, never logged.</summary>
    public static readonly IReadOnlyList<string> Secrets =
    [
        KafkaConnectionString,
        KafkaTriggerConnectionString,
        ApiKeyPepper,
        RedactionSecret,
        PageTokenSecret,
        StripeSecretKey,
    ];
}
