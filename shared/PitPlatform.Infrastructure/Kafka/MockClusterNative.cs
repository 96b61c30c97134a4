using System.Runtime.InteropServices;

namespace PitPlatform.Infrastructure.Kafka;

/// <summary>librdkafka's C API for its built-in mock cluster (rdkafka_mock.h).</summary>
internal static partial class MockClusterNative
{
    private const string Lib = "librdkafka";

    [LibraryImport(Lib)]
    internal static partial IntPtr rd_kafka_conf_new();

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_conf_set(
        IntPtr conf,
        string name,
        string value,
        byte[] errstr,
        nuint errstrSize
    );

    [LibraryImport(Lib)]
    internal static partial IntPtr rd_kafka_new(int type, IntPtr conf, byte[] errstr, nuint errstrSize);

    [LibraryImport(Lib)]
    internal static partial void rd_kafka_destroy(IntPtr rk);

    [LibraryImport(Lib)]
    internal static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [LibraryImport(Lib)]
    internal static partial void rd_kafka_mock_cluster_destroy(IntPtr cluster);

    [LibraryImport(Lib)]
    internal static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster);

    [LibraryImport(Lib)]
    internal static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr cluster, int delayMs);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_mock_topic_delete(IntPtr cluster, string topic);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_mock_topic_create(
        IntPtr cluster,
        string topic,
        int partitions,
        int replicationFactor
    );

    [LibraryImport(Lib)]
    internal static partial int rd_kafka_mock_broker_set_down(IntPtr cluster, int brokerId);

    [LibraryImport(Lib)]
    internal static partial int rd_kafka_mock_broker_set_up(IntPtr cluster, int brokerId);

    [LibraryImport(Lib)]
    internal static partial int rd_kafka_mock_broker_set_rtt(IntPtr cluster, int brokerId, int rttMs);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_mock_partition_set_leader(
        IntPtr cluster,
        string topic,
        int partition,
        int brokerId
    );

    [LibraryImport(Lib)]
    internal static partial void rd_kafka_mock_push_request_errors_array(
        IntPtr cluster,
        short apiKey,
        nuint count,
        int[] errors
    );

    [LibraryImport(Lib)]
    internal static partial IntPtr rd_kafka_err2str(int err);
}
