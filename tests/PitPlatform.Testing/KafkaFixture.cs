using Confluent.Kafka;
using Confluent.Kafka.Admin;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Infrastructure.Kafka;
using Testcontainers.Kafka;
using Xunit;

namespace PitPlatform.Testing;

/// <summary>
/// One Kafka-protocol broker per test run, chosen by <see cref="TestComponents"/>: the broker named by
/// PIT_TEST_KAFKA_BOOTSTRAP, an Apache Kafka container (PIT_TEST_CONTAINERS=true), or librdkafka's mock cluster
/// (3 brokers, in this process). Each test gets its own topic and group prefix, with every catalog topic created under
/// it.
/// </summary>
public sealed class KafkaFixture : IAsyncLifetime
{
    public const string BootstrapVariable = "PIT_TEST_KAFKA_BOOTSTRAP";

    private readonly ComponentSource? _chosen;
    private KafkaContainer? _container;

    public KafkaFixture() { }

    private KafkaFixture(ComponentSource source) => _chosen = source;

    /// <summary>A fixture on its own Kafka container, whatever the environment says (needs a Docker engine).</summary>
    public static KafkaFixture InContainer() => new(ComponentSource.Container);

    /// <summary>
    /// True when a new fixture would start the mock cluster. Fault tests check this before starting a private
    /// fixture, so a run on an external broker or a container skips them without starting a broker first.
    /// </summary>
    public static bool StartsMock => TestComponents.Choose(BootstrapVariable) == ComponentSource.Embedded;

    public ComponentSource Source { get; private set; }

    /// <summary>The mock cluster, for fault injection; null for an external broker or a container.</summary>
    public MockKafkaCluster? Mock { get; private set; }

    public string BootstrapServers { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        KafkaNativeLibrary.EnsureResolver();
        Source = _chosen ?? TestComponents.Choose(BootstrapVariable);
        switch (Source)
        {
            case ComponentSource.External:
                BootstrapServers = Environment.GetEnvironmentVariable(BootstrapVariable)!;
                break;
            case ComponentSource.Container:
                _container = ComponentContainers.Kafka();
                await _container.StartAsync();
                BootstrapServers = ComponentContainers.BootstrapServers(_container);
                AwaitBroker();
                break;
            default:
                Mock = MockKafkaCluster.Start(brokerCount: 3);
                BootstrapServers = Mock.BootstrapServers;
                break;
        }
    }

    /// <summary>A fresh prefix with every catalog topic created under it.</summary>
    public async Task<KafkaNaming> CreateCatalogTopicsAsync()
    {
        var naming = new KafkaNaming($"t{Guid.NewGuid():N}"[..13] + ".");
        if (Mock is not null)
        {
            // The mock's Admin API times out on CreateTopics.
            Mock.CreateCatalogTopics(TopicCatalog.Embedded, naming);
            return naming;
        }
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        await admin.CreateTopicsAsync(
            TopicCatalog.Embedded.Topics.Select(t => new TopicSpecification
            {
                Name = naming.Topic(t.Name),
                NumPartitions = t.Partitions,
                ReplicationFactor = 1,
            })
        );
        return naming;
    }

    public KafkaSettings Settings(KafkaNaming naming) =>
        new() { BootstrapServers = BootstrapServers, Prefix = naming.Prefix };

    public async ValueTask DisposeAsync()
    {
        Mock?.Dispose();
        if (_container is not null)
            await _container.DisposeAsync();
    }

    // The wait strategy watches the controller's log; the first test should not race the broker's listener.
    private void AwaitBroker()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        admin.GetMetadata(TimeSpan.FromSeconds(60));
    }
}
