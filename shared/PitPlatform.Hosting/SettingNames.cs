namespace PitPlatform.Hosting;

/// <summary>
/// Every app setting the platform reads: environment variables locally, app settings (Key Vault references for
/// secrets) in Azure. Bicep sets exactly these.
/// </summary>
public static class SettingNames
{
    public const string KafkaBootstrap = "PIT_KAFKA_BOOTSTRAP";
    public const string KafkaAuth = "PIT_KAFKA_AUTH";
    public const string KafkaConnectionString = "PIT_KAFKA_CONNECTION_STRING";
    public const string KafkaPrefix = "PIT_KAFKA_PREFIX";
    public const string KafkaDeliveryTimeoutMs = "PIT_KAFKA_DELIVERY_TIMEOUT_MS";
    public const string Postgres = "PIT_POSTGRES";
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
}
