using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Hosting;
using PitPlatform.Processing.Archive;
using PitPlatform.Processing.Nav;
using PitPlatform.Processing.Usage;

namespace PitPlatform.Functions;

/// <summary>
/// The names the Kafka triggers bind to. Attribute arguments must be compile-time constants, so the topic catalog's
/// names are repeated here once; <see cref="Verify"/> checks them against the catalog and the handlers at start-up.
/// </summary>
public static class FunctionBindings
{
    public const string TradeFillTopic = "pit.v1.exec.trade_fill";
    public const string NavUpdateTopic = "pit.v1.acct.nav_update";
    public const string NavProcessorGroup = "nav-processor";
    public const string NavAnalyticsGroup = "nav-analytics";
    public const string LlmCallTopic = "pit.v1.runtime.llm_call";
    public const string UsageAggregatorGroup = "usage-aggregator";
    public const string RetentionSweepTopic = "pit.v1.ops.retention_sweep";
    public const string RetentionSweeperGroup = "retention-sweeper";

    /// <summary>
    /// The retention scheduler's timer: daily at 03:00 UTC
    /// (<see cref="Governance.Retention.RetentionScheduler.DailySchedule"/>).
    /// </summary>
    public const string RetentionSweepSchedule = "0 0 3 * * *";

    // The archiver reads every topic the catalog marks archived, one trigger per topic, all in one group.
    public const string ArchiverGroup = "archiver";
    public const string UsageTopic = "pit.v1.acct.usage";
    public const string DeletionTopic = "pit.v1.policy.deletion";
    public const string DeadLetterTopic = "pit.v1.ops.dead_letter";
    public static readonly IReadOnlyList<string> ArchivedTopics =
    [
        TradeFillTopic,
        NavUpdateTopic,
        LlmCallTopic,
        UsageTopic,
        DeletionTopic,
        DeadLetterTopic,
    ];

    /// <summary>
    /// The app setting with the bootstrap servers. The Kafka extension resolves brokerList, Username and Password
    /// as an app-setting name or a %NAME% expression (ConfigurationExtensions.ResolveSecureSetting).
    /// </summary>
    public const string BrokerListSetting = SettingNames.KafkaBootstrap;

#if PIT_KAFKA_PLAINTEXT
    // Local broker without TLS or SASL (PIT_KAFKA_AUTH=none). The extension ignores Username/Password when both
    // Protocol and AuthenticationMode are NotSet.
    public const BrokerProtocol KafkaProtocol = BrokerProtocol.NotSet;
    public const BrokerAuthenticationMode KafkaAuthenticationMode = BrokerAuthenticationMode.NotSet;
    public const string? KafkaUsername = null;
    public const string? KafkaPassword = null;
    private const bool CompiledForPlaintext = true;
#else
    // Event Hubs' Kafka endpoint: SASL_SSL, PLAIN, user "$ConnectionString", password a listen-only connection string.
    // The trigger has no managed-identity mode yet (kafka-extension PR #635 is open), so the triggers read with this
    // SAS rule while the producer uses the app's managed identity (PIT_KAFKA_AUTH=managed-identity).
    // %...% fails start-up when the setting is missing instead of sending the setting's name as the password.
    public const BrokerProtocol KafkaProtocol = BrokerProtocol.SaslSsl;
    public const BrokerAuthenticationMode KafkaAuthenticationMode = BrokerAuthenticationMode.Plain;
    public const string KafkaUsername = "$ConnectionString";
    public const string KafkaPassword = "%" + SettingNames.KafkaTriggerConnectionString + "%";
    private const bool CompiledForPlaintext = false;
#endif

    /// <summary>
    /// Kafka triggers retry a failed batch in place, forever, with backoff (handlers throw only on transient failures,
    /// and nothing of a failed batch may be committed). Worker Kafka extension 4.1.3 runs host extension versions that
    /// commit offsets after a failed invocation, so the retry policy is what keeps a failed batch uncommitted.
    /// </summary>
    public const int RetryForever = -1;
    public const string RetryMinimumInterval = "00:00:01";
    public const string RetryMaximumInterval = "00:01:00";

    /// <summary>
    /// Fails start-up when a trigger's topic or group disagrees with its handler or with the topic catalog, or when
    /// PIT_KAFKA_AUTH disagrees with the security the triggers were compiled with.
    /// </summary>
    public static void Verify(IServiceProvider services, IConfiguration configuration)
    {
        var problems = new List<string>();
        Check(services.GetRequiredService<NavProcessor>(), TradeFillTopic, NavProcessorGroup, problems);
        Check(services.GetRequiredService<NavAnalyticsConsumer>(), NavUpdateTopic, NavAnalyticsGroup, problems);
        Check(
            services.GetRequiredService<UsageAggregator>(),
            [LlmCallTopic, TradeFillTopic],
            UsageAggregatorGroup,
            problems
        );
        Check(
            services.GetRequiredService<Governance.Retention.RetentionSweeper>(),
            RetentionSweepTopic,
            RetentionSweeperGroup,
            problems
        );
        CheckArchiver(services.GetRequiredService<Archiver>(), problems);

        if (!string.IsNullOrEmpty(configuration[SettingNames.KafkaPrefix]))
            problems.Add(
                $"{SettingNames.KafkaPrefix} must be empty in the Functions app: its triggers bind the "
                    + "catalog's topic and group names as they are"
            );

        var auth = (configuration[SettingNames.KafkaAuth] ?? "none").Trim().ToLowerInvariant();
        if (CompiledForPlaintext && auth != "none")
            problems.Add(
                $"{SettingNames.KafkaAuth} is '{auth}' but the Kafka triggers were compiled for a plaintext "
                    + "broker (PitKafkaPlaintext=true)"
            );
        if (!CompiledForPlaintext && auth == "none")
            problems.Add(
                $"{SettingNames.KafkaAuth} is 'none' but the Kafka triggers were compiled for Event Hubs "
                    + "(SASL_SSL); set managed-identity or connection-string"
            );
        if (
            !CompiledForPlaintext && string.IsNullOrWhiteSpace(configuration[SettingNames.KafkaTriggerConnectionString])
        )
            problems.Add(
                $"{SettingNames.KafkaTriggerConnectionString} is not set (the listen-only Event Hubs "
                    + "connection string the Kafka triggers use; a Key Vault reference in Azure)"
            );

        if (problems.Count > 0)
            throw new InvalidOperationException(
                "Kafka trigger bindings are inconsistent: " + string.Join("; ", problems)
            );
    }

    /// <summary>
    /// The archive triggers cover exactly the archived topics, each listing the archiver group in the catalog.
    /// </summary>
    private static void CheckArchiver(Archiver archiver, List<string> problems)
    {
        if (!string.Equals(archiver.ConsumerGroup, ArchiverGroup, StringComparison.Ordinal))
            problems.Add(
                $"the archiver consumes as group '{archiver.ConsumerGroup}', its triggers as '{ArchiverGroup}'"
            );
        if (!archiver.Topics.Order(StringComparer.Ordinal).SequenceEqual(ArchivedTopics.Order(StringComparer.Ordinal)))
            problems.Add(
                $"the catalog archives [{string.Join(", ", archiver.Topics)}], the archive triggers read "
                    + $"[{string.Join(", ", ArchivedTopics)}]"
            );
        foreach (var topic in ArchivedTopics)
        {
            var definition = TopicCatalog.Embedded.Find(topic);
            if (definition is null)
                problems.Add($"topic '{topic}' is not in the topic catalog");
            else if (!definition.ConsumerGroups.Contains(ArchiverGroup, StringComparer.Ordinal))
                problems.Add($"the topic catalog does not list group '{ArchiverGroup}' for '{topic}'");
        }
    }

    private static void Check(IRecordBatchHandler handler, string topic, string group, List<string> problems) =>
        Check(handler, [topic], group, problems);

    /// <summary>A handler of several topics has one trigger per topic, all in its group.</summary>
    private static void Check(IRecordBatchHandler handler, string[] topics, string group, List<string> problems)
    {
        var name = handler.GetType().Name;
        if (!string.Equals(handler.ConsumerGroup, group, StringComparison.Ordinal))
            problems.Add($"{name} consumes as group '{handler.ConsumerGroup}', its trigger as '{group}'");
        if (
            !handler
                .Topics.Order(StringComparer.Ordinal)
                .SequenceEqual(topics.Order(StringComparer.Ordinal), StringComparer.Ordinal)
        )
            problems.Add(
                $"{name} reads [{string.Join(", ", handler.Topics)}], its triggers read [{string.Join(", ", topics)}]"
            );

        foreach (var topic in topics)
        {
            var definition = TopicCatalog.Embedded.Find(topic);
            if (definition is null)
                problems.Add($"topic '{topic}' is not in the topic catalog");
            else if (!definition.ConsumerGroups.Contains(group, StringComparer.Ordinal))
                problems.Add($"the topic catalog does not list group '{group}' for '{topic}'");
        }
    }
}
