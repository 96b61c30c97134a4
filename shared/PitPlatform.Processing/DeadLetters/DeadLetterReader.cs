using Confluent.Kafka;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Infrastructure.Kafka;

namespace PitPlatform.Processing.DeadLetters;

/// <summary>
/// Reads pit.v1.ops.dead_letter from the beginning up to the high watermark of each partition at the time of the call,
/// with a fresh consumer that is assigned the partitions and never joins or commits to a group, so listing letters
/// changes nothing. Records that are not valid dead-letter envelopes are counted, not returned.
/// </summary>
public sealed class DeadLetterReader(KafkaSettings settings, TopicCatalog catalog)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public DeadLetterReading ReadAll(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        KafkaNativeLibrary.EnsureResolver();
        var naming = new KafkaNaming(settings.Prefix);
        var topic = naming.Topic(DeadLetterWriter.Topic);
        var config = new ConsumerConfig
        {
            // The id is required by the client but no group is ever joined: partitions are assigned, nothing committed.
            GroupId = "pit-dlq-reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
        };
        settings.Apply(config);
        using var consumer = settings.Configure(new ConsumerBuilder<byte[], byte[]>(config)).Build();
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        var ends = new Dictionary<int, long>();
        for (var p = 0; p < catalog.Require(DeadLetterWriter.Topic).Partitions; p++)
        {
            var marks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), Remaining(deadline));
            if (marks.High.Value > marks.Low.Value)
                ends[p] = marks.High.Value;
        }
        consumer.Assign(ends.Keys.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));

        var validator = new EnvelopeValidator(catalog);
        var letters = new List<StoredDeadLetter>();
        var unreadable = 0;
        var pending = new HashSet<int>(ends.Keys);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException(
                    $"{DeadLetterWriter.Topic}: partitions {string.Join(", ", pending)} were not read to "
                        + "their end in time"
                );
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is null)
                continue;
            var partition = result.Partition.Value;
            if (result.Offset.Value + 1 >= ends[partition])
                pending.Remove(partition);
            if (result.Offset.Value >= ends[partition])
                continue;
            var check = validator.Validate(result.Message.Value, result.Message.Key, DeadLetterWriter.Topic);
            if (!check.IsValid || check.Envelope!.PayloadType != PayloadTypes.DeadLetter)
            {
                unreadable++;
                continue;
            }
            try
            {
                letters.Add(
                    new StoredDeadLetter(
                        partition,
                        result.Offset.Value,
                        check.Envelope,
                        DeadLetter.Parser.ParseFrom(check.Envelope.Payload)
                    )
                );
            }
            catch (Google.Protobuf.InvalidProtocolBufferException)
            {
                unreadable++;
            }
        }
        consumer.Close();
        return new DeadLetterReading(
            letters.OrderBy(l => l.FirstSeen).ThenBy(l => l.Partition).ThenBy(l => l.Offset).ToList(),
            unreadable
        );
    }

    private static TimeSpan Remaining(DateTime deadline)
    {
        var left = deadline - DateTime.UtcNow;
        return left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1);
    }
}
