using Confluent.Kafka;
using Confluent.Kafka.Admin;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Infrastructure.Kafka;
using Xunit;

namespace PitPlatform.Testing;

/// <summary>
/// One Kafka-protocol broker per test run: librdkafka's mock cluster (3 brokers, in this process), or the broker
/// named by PIT_TEST_KAFKA_BOOTSTRAP (the GitHub workflow's Kafka service). Each test gets its own topic and group
/// prefix, with every catalog topic created under it.
/// </summary>
public sealed class KafkaFixture : IAsyncLifetime
{
    public MockKafkaCluster? Mock { get; private set; }
    public string BootstrapServers { get; private set; } = "";

    public ValueTask InitializeAsync()
    {
        KafkaNativeLibrary.EnsureResolver();
        if (Environment.GetEnvironmentVariable("PIT_TEST_KAFKA_BOOTSTRAP") is { Length: > 0 } external) BootstrapServers = external;
        else
        {
            Mock = MockKafkaCluster.Start(brokerCount: 3);
            BootstrapServers = Mock.BootstrapServers;
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>A fresh prefix with every catalog topic created under it.</summary>
    public async Task<KafkaNaming> CreateCatalogTopicsAsync()
    {
        var naming = new KafkaNaming($"t{Guid.NewGuid():N}"[..13] + ".");
        if (Mock is not null)
        {
            Mock.CreateCatalogTopics(TopicCatalog.Embedded, naming);
            return naming;
        }
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        await admin.CreateTopicsAsync(TopicCatalog.Embedded.Topics.Select(t => new TopicSpecification
        {
            Name = naming.Topic(t.Name), NumPartitions = t.Partitions, ReplicationFactor = 1,
        }));
        return naming;
    }

    public KafkaSettings Settings(KafkaNaming naming) => new() { BootstrapServers = BootstrapServers, Prefix = naming.Prefix };

    public ValueTask DisposeAsync()
    {
        Mock?.Dispose();
        return ValueTask.CompletedTask;
    }
}
