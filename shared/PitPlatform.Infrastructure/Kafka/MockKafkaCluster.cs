using System.Runtime.InteropServices;
using System.Text;
using PitPlatform.Contracts.Catalog;
using static PitPlatform.Infrastructure.Kafka.MockClusterNative;

namespace PitPlatform.Infrastructure.Kafka;

/// <summary>
/// librdkafka's built-in mock cluster: real Kafka-protocol brokers on 127.0.0.1 ephemeral ports, in this process,
/// in memory. For tests and the local host's embedded default only: it keeps about 5 MiB per partition and nothing
/// survives the process, so it is never durable.
/// </summary>
public sealed class MockKafkaCluster : IDisposable
{
    private const int ProducerType = 0;
    private IntPtr _handle;
    private IntPtr _cluster;

    private MockKafkaCluster(IntPtr handle, IntPtr cluster, int brokerCount)
    {
        _handle = handle;
        _cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = Marshal.PtrToStringUTF8(rd_kafka_mock_cluster_bootstraps(cluster))
            ?? throw new InvalidOperationException("mock cluster returned no bootstrap servers");
    }

    public string BootstrapServers { get; }

    public int BrokerCount { get; }

    /// <summary>Broker ids run from 1 to <see cref="BrokerCount"/>.</summary>
    public IEnumerable<int> BrokerIds => Enumerable.Range(1, BrokerCount);

    /// <param name="initialRebalanceDelay">
    /// How long the group coordinator waits for more members before a new group's first assignment, as a real broker's
    /// group.initial.rebalance.delay.ms (3 s by default there). Zero (the default here) lets a lone consumer join in
    /// about 60 ms; several consumers starting together are better served by a delay that gathers them into one
    /// generation instead of a rebalance per arrival.
    /// </param>
    public static MockKafkaCluster Start(int brokerCount = 3, TimeSpan initialRebalanceDelay = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);
        KafkaNativeLibrary.EnsureResolver();
        var errors = new byte[512];
        var conf = rd_kafka_conf_new();
        // The host handle never connects anywhere: it only owns the mock cluster's threads.
        Check(rd_kafka_conf_set(conf, "bootstrap.servers", "", errors, (nuint)errors.Length), errors);
        Check(rd_kafka_conf_set(conf, "log_level", "3", errors, (nuint)errors.Length), errors);
        // The mock brokers' sockets take this handle's settings. With Nagle on, a second response on one connection
        // (two produce requests pipelined to one broker) waited for the client's delayed ACK of the first: ~10 ms.
        Check(rd_kafka_conf_set(conf, "socket.nagle.disable", "true", errors, (nuint)errors.Length), errors);
        var handle = rd_kafka_new(ProducerType, conf, errors, (nuint)errors.Length);
        if (handle == IntPtr.Zero)
            throw new InvalidOperationException("rd_kafka_new failed: " + Text(errors));
        var cluster = rd_kafka_mock_cluster_new(handle, brokerCount);
        if (cluster == IntPtr.Zero)
        {
            rd_kafka_destroy(handle);
            throw new InvalidOperationException(
                "rd_kafka_mock_cluster_new failed (librdkafka built without mock support?)"
            );
        }
        rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, (int)initialRebalanceDelay.TotalMilliseconds);
        return new MockKafkaCluster(handle, cluster, brokerCount);
    }

    public void CreateTopic(string topic, int partitions, int replicationFactor = 1) =>
        CheckError(
            rd_kafka_mock_topic_create(Cluster, topic, partitions, Math.Min(replicationFactor, BrokerCount)),
            $"create topic {topic}"
        );

    /// <summary>Creates every catalog topic with its partition count, under <paramref name="naming"/>.</summary>
    public void CreateCatalogTopics(TopicCatalog catalog, KafkaNaming naming)
    {
        foreach (var topic in catalog.Topics)
            CreateTopic(naming.Topic(topic.Name), topic.Partitions, 3);
    }

    /// <summary>Drops a topic and the records the mock keeps for it (in memory, until the process exits).</summary>
    public void DeleteTopic(string topic) =>
        CheckError(rd_kafka_mock_topic_delete(Cluster, topic), $"delete topic {topic}");

    public void SetBrokerDown(int brokerId) =>
        CheckError(rd_kafka_mock_broker_set_down(Cluster, brokerId), "broker down");

    public void SetBrokerUp(int brokerId) => CheckError(rd_kafka_mock_broker_set_up(Cluster, brokerId), "broker up");

    public void SetBrokerRoundTripTime(int brokerId, TimeSpan rtt) =>
        CheckError(rd_kafka_mock_broker_set_rtt(Cluster, brokerId, (int)rtt.TotalMilliseconds), "broker rtt");

    public void SetPartitionLeader(string topic, int partition, int brokerId) =>
        CheckError(rd_kafka_mock_partition_set_leader(Cluster, topic, partition, brokerId), "partition leader");

    /// <summary>
    /// The next <paramref name="errors"/>.Length requests of <paramref name="apiKey"/> fail with those error codes.
    /// </summary>
    public void PushRequestErrors(KafkaApiKey apiKey, params int[] errors) =>
        rd_kafka_mock_push_request_errors_array(Cluster, (short)apiKey, (nuint)errors.Length, errors);

    public void Dispose()
    {
        if (_cluster != IntPtr.Zero)
            rd_kafka_mock_cluster_destroy(_cluster);
        if (_handle != IntPtr.Zero)
            rd_kafka_destroy(_handle);
        _cluster = IntPtr.Zero;
        _handle = IntPtr.Zero;
    }

    private IntPtr Cluster =>
        _cluster != IntPtr.Zero ? _cluster : throw new ObjectDisposedException(nameof(MockKafkaCluster));

    private static void Check(int confResult, byte[] errors)
    {
        if (confResult != 0)
            throw new InvalidOperationException("rd_kafka_conf_set failed: " + Text(errors));
    }

    private static void CheckError(int error, string what)
    {
        if (error != 0)
            throw new InvalidOperationException($"{what} failed: {Marshal.PtrToStringUTF8(rd_kafka_err2str(error))}");
    }

    private static string Text(byte[] buffer) => Encoding.UTF8.GetString(buffer).TrimEnd('\0');
}

/// <summary>Kafka protocol API keys that tests inject errors into.</summary>
public enum KafkaApiKey : short
{
    Produce = 0,
    Fetch = 1,
    ListOffsets = 2,
    Metadata = 3,
    OffsetCommit = 8,
    OffsetFetch = 9,
    FindCoordinator = 10,
    JoinGroup = 11,
    Heartbeat = 12,
    SyncGroup = 14,
    InitProducerId = 22,
}
