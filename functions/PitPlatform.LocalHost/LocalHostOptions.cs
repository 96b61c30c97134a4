using PitPlatform.Hosting;

namespace PitPlatform.LocalHost;

/// <summary>
/// How the local host runs: where its state lives, which port it listens on, whether to start afresh.
/// </summary>
public sealed class LocalHostOptions
{
    /// <summary>
    /// State directory for the embedded Postgres and Azurite and the dev key (PIT_STATE_DIR, default .pit/).
    /// </summary>
    public required string StateDirectory { get; init; }

    /// <summary>HTTP port on 127.0.0.1 (PIT_HTTP_PORT, default 7071 as Core Tools; 0 picks a free one).</summary>
    public int HttpPort { get; init; } = 7071;

    /// <summary>--fresh: wipe the embedded state first.</summary>
    public bool Fresh { get; init; }

    /// <summary>Settings that replace the environment's (tests pass their fixtures' endpoints here).</summary>
    public IDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// Runs after the host's own logging configuration: tests add a provider to read the lines it writes.
    /// </summary>
    public Action<ILoggingBuilder>? Logging { get; init; }

    /// <summary>Durable embedded Postgres (fsync on); tests turn it off for speed.</summary>
    public bool DurablePostgres { get; init; } = true;

    /// <summary>
    /// Brokers of the embedded Kafka cluster (PIT_EMBEDDED_KAFKA_BROKERS, 1 to 9, default 1). One, because that is how
    /// Event Hubs' Kafka endpoint looks to a client: a namespace is a single broker that leads every partition. More
    /// spread the partitions' leaders, at the price of a fetch and a produce connection per broker per client.
    /// </summary>
    public int EmbeddedKafkaBrokers { get; init; } = 1;

    public const string EmbeddedKafkaBrokersSetting = "PIT_EMBEDDED_KAFKA_BROKERS";

    /// <summary>
    /// The embedded cluster's initial rebalance delay: none while each group has one consumer (it joins at once), the
    /// broker default of 3 s when PIT_CONSUMER_INSTANCES runs several, so they join in one generation.
    /// </summary>
    public TimeSpan EmbeddedKafkaRebalanceDelay { get; init; }

    public static readonly TimeSpan SharedGroupRebalanceDelay = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Start the embedded OpenID Connect provider when PIT_OIDC_AUTHORITY is unset (./pit up does; tests that sign
    /// people in start one of their own, the others need none).
    /// </summary>
    public bool EmbeddedIdentityProvider { get; init; }

    public static LocalHostOptions FromEnvironment(string[] args)
    {
        var root = Embedded.RepositoryRoot.Find() ?? Directory.GetCurrentDirectory();
        var port = Environment.GetEnvironmentVariable("PIT_HTTP_PORT");
        return new LocalHostOptions
        {
            StateDirectory = Environment.GetEnvironmentVariable("PIT_STATE_DIR") is { Length: > 0 } dir
                ? Path.GetFullPath(dir)
                : Path.Combine(root, ".pit"),
            HttpPort = port is { Length: > 0 }
                ? int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)
                : 7071,
            Fresh = args.Contains("--fresh"),
            EmbeddedIdentityProvider = true,
            EmbeddedKafkaBrokers = EmbeddedKafkaBrokersFromEnvironment(),
            EmbeddedKafkaRebalanceDelay = ConsumerInstances.FromEnvironment().SharesAnyGroup
                ? SharedGroupRebalanceDelay
                : TimeSpan.Zero,
        };
    }

    /// <summary>PIT_EMBEDDED_KAFKA_BROKERS, or 1; anything but a whole number from 1 to 9 stops the host.</summary>
    public static int EmbeddedKafkaBrokersFromEnvironment() =>
        ParseEmbeddedKafkaBrokers(Environment.GetEnvironmentVariable(EmbeddedKafkaBrokersSetting));

    /// <summary>The broker count a PIT_EMBEDDED_KAFKA_BROKERS value asks for (unset or empty: 1).</summary>
    public static int ParseEmbeddedKafkaBrokers(string? text) =>
        string.IsNullOrEmpty(text) ? 1
        : int.TryParse(
            text,
            System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture,
            out var count
        ) && count is >= 1 and <= 9
            ? count
        : throw new MissingSettingsException([
            $"{EmbeddedKafkaBrokersSetting} must be a whole number from 1 to 9, not '{text}'",
        ]);
}
