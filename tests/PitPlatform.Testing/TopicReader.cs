using Confluent.Kafka;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Infrastructure.Kafka;

namespace PitPlatform.Testing;

/// <summary>Reads a whole topic from the beginning without a consumer group (so it commits nothing).</summary>
public static class TopicReader
{
    /// <summary>
    /// Every record of <paramref name="catalogTopic"/>, reading until <paramref name="expected"/> records arrived and
    /// then for <paramref name="settle"/> longer, so that one record too many is seen as well.
    /// </summary>
    public static List<ConsumeResult<byte[], byte[]>> ReadAll(
        KafkaSettings settings,
        string catalogTopic,
        int expected,
        TimeSpan timeout,
        TimeSpan? settle = null
    )
    {
        KafkaNativeLibrary.EnsureResolver();
        var naming = new KafkaNaming(settings.Prefix);
        var config = new ConsumerConfig
        {
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
        };
        settings.Apply(config);
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        var partitions = TopicCatalog.Embedded.Require(catalogTopic).Partitions;
        consumer.Assign(
            Enumerable
                .Range(0, partitions)
                .Select(p => new TopicPartitionOffset(naming.Topic(catalogTopic), p, Offset.Beginning))
        );
        var records = new List<ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        DateTime? settleUntil = null;
        while (DateTime.UtcNow < (settleUntil ?? deadline))
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result?.Message is not null)
                records.Add(result);
            if (records.Count >= expected && settleUntil is null)
                settleUntil = DateTime.UtcNow + (settle ?? TimeSpan.FromMilliseconds(500));
        }
        consumer.Close();
        return records;
    }
}
