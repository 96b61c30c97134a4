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
    public const string RetentionDefaultDays = "PIT_RETENTION_DEFAULT_DAYS";
    public const string RetentionMinDays = "PIT_RETENTION_MIN_DAYS";
    public const string RetentionMaxDays = "PIT_RETENTION_MAX_DAYS";
    public const string RetentionTiers = "PIT_RETENTION_TIERS";
    public const string RetentionSweepPeriodSeconds = "PIT_RETENTION_SWEEP_PERIOD_SECONDS";
    public const string RetentionChunkRows = "PIT_RETENTION_CHUNK_ROWS";
    /// <summary>The Functions app's TimerTrigger CRON expression for the retention scheduler (read by the trigger).</summary>
    public const string RetentionSweepSchedule = "PIT_RETENTION_SWEEP_SCHEDULE";
}
