using Confluent.Kafka;

namespace PitPlatform.Infrastructure.Kafka;

/// <summary>How to reach the Kafka endpoint (a broker, or Azure Event Hubs' Kafka endpoint).</summary>
public sealed class KafkaSettings
{
    /// <summary>Bootstrap servers (setting PIT_KAFKA_BOOTSTRAP).</summary>
    public required string BootstrapServers { get; init; }

    /// <summary>How the client authenticates: none (local), a connection string, or a managed identity.</summary>
    public KafkaAuthentication Authentication { get; init; } = KafkaAuthentication.None;

    /// <summary>
    /// Event Hubs namespace connection string, for <see cref="KafkaAuthentication.ConnectionString"/> (setting
    /// PIT_KAFKA_CONNECTION_STRING).
    /// </summary>
    public string? ConnectionString { get; init; }

    /// <summary>
    /// How long the producer keeps trying to deliver a record before reporting it failed (setting
    /// PIT_KAFKA_DELIVERY_TIMEOUT_MS, default 120 s). An ingest request waits at most this long for Kafka.
    /// </summary>
    public int DeliveryTimeoutMs { get; init; } = 120_000;

    /// <summary>Entra tokens for <see cref="KafkaAuthentication.ManagedIdentity"/>.</summary>
    public EventHubsTokenProvider? TokenProvider { get; init; }

    /// <summary>Adds the token refresh callback when the endpoint authenticates with Entra ID.</summary>
    public ProducerBuilder<TKey, TValue> Configure<TKey, TValue>(ProducerBuilder<TKey, TValue> builder) =>
        TokenProvider is null ? builder : builder.SetOAuthBearerTokenRefreshHandler(TokenProvider.Refresh);

    public ConsumerBuilder<TKey, TValue> Configure<TKey, TValue>(ConsumerBuilder<TKey, TValue> builder) =>
        TokenProvider is null ? builder : builder.SetOAuthBearerTokenRefreshHandler(TokenProvider.Refresh);

    public AdminClientBuilder Configure(AdminClientBuilder builder) =>
        TokenProvider is null ? builder : builder.SetOAuthBearerTokenRefreshHandler(TokenProvider.Refresh);

    /// <summary>Topic and group prefix; empty in Azure.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>Client settings common to producers and consumers, with what Event Hubs asks for.</summary>
    public void Apply(ClientConfig config)
    {
        config.BootstrapServers = BootstrapServers;
        config.SocketKeepaliveEnable = true;
        // Requests are small and latency-bound (a produce waits for its acknowledgement before a 202 or an offset
        // commit): Nagle's algorithm would hold a small request back until the previous one is acknowledged.
        config.SocketNagleDisable = true;
        config.MetadataMaxAgeMs = 180_000;
        if (Authentication == KafkaAuthentication.ManagedIdentity)
        {
            config.SecurityProtocol = SecurityProtocol.SaslSsl;
            config.SaslMechanism = SaslMechanism.OAuthBearer;
        }
        if (Authentication == KafkaAuthentication.ConnectionString)
        {
            config.SecurityProtocol = SecurityProtocol.SaslSsl;
            config.SaslMechanism = SaslMechanism.Plain;
            config.SaslUsername = "$ConnectionString";
            config.SaslPassword = ConnectionString
                ?? throw new InvalidOperationException(
                    "PIT_KAFKA_CONNECTION_STRING is required when PIT_KAFKA_AUTH is connection-string"
                );
        }
    }
}

public enum KafkaAuthentication
{
    /// <summary>Plaintext, no SASL: local brokers only.</summary>
    None,

    /// <summary>SASL PLAIN with an Event Hubs namespace connection string.</summary>
    ConnectionString,

    /// <summary>SASL OAUTHBEARER with an Entra ID token (the managed identity in Azure).</summary>
    ManagedIdentity,
}
