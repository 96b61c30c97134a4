using Testcontainers.Kafka;
using Testcontainers.PostgreSql;

namespace PitPlatform.Testing;

/// <summary>The real Kafka and Postgres the fixtures start under Testcontainers (see TestComponents).</summary>
public static class ComponentContainers
{
    /// <summary>
    /// Testcontainers.Kafka recognises the Apache image and runs it as one KRaft node (broker and controller).
    /// </summary>
    public const string KafkaImage = "apache/kafka:3.9.0";

    /// <summary>The major version our machines' apt installs for the embedded cluster.</summary>
    public const string PostgresImage = "postgres:15";

    public static KafkaContainer Kafka() => new KafkaBuilder(KafkaImage).Build();

    /// <summary>As many connections as the embedded cluster allows; the builder already turns fsync off.</summary>
    public static PostgreSqlContainer Postgres() =>
        new PostgreSqlBuilder(PostgresImage).WithCommand("-c", "max_connections=200").Build();

    /// <summary>host:port for clients; the container's own address is a URI ("plaintext://host:port/").</summary>
    public static string BootstrapServers(KafkaContainer kafka) =>
        $"{kafka.Hostname}:{kafka.GetMappedPublicPort(KafkaBuilder.KafkaPort)}";
}
