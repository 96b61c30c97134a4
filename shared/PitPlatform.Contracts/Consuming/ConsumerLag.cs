using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PitPlatform.Contracts.Consuming;

/// <summary>
/// The latest lag each consumer group reported per partition, read by the lag gauges of <see cref="PitMetrics"/> when
/// they are collected. In time, both hosts: the age of the last record handled (ObservedBatches). In records, only the
/// local host, whose consumer knows the partition's end (the Functions trigger does not say; Event Hubs' own metrics
/// do).
/// </summary>
public static class ConsumerLag
{
    private sealed class Entry
    {
        public long Records = -1;

        // Whole milliseconds: no production type holds a floating-point field (tests/Processing.Tests/cell_book.cs).
        public long Milliseconds;
    }

    private static readonly ConcurrentDictionary<(string Group, string Topic, int Partition), Entry> Partitions = new();

    /// <summary>After a batch: per partition, how old its last record was when the handler returned.</summary>
    public static void Handled(string group, IReadOnlyList<ConsumedRecord> batch, DateTimeOffset now)
    {
        Entry? entry = null;
        ConsumedRecord? previous = null;
        foreach (var record in batch)
        {
            // Batches are mostly runs of one partition: look the entry up once per run.
            if (
                previous is null
                || previous.Partition != record.Partition
                || !string.Equals(previous.Topic, record.Topic, StringComparison.Ordinal)
            )
                entry = Partitions.GetOrAdd((group, record.Topic, record.Partition), static _ => new Entry());
            previous = record;
            entry!.Milliseconds = Math.Max(0, (long)(now - record.Timestamp).TotalMilliseconds);
        }
    }

    /// <summary>
    /// The consumer's position is <paramref name="records"/> behind the partition's end; 0 also zeroes the time.
    /// </summary>
    public static void Behind(string group, string topic, int partition, long records)
    {
        var entry = Partitions.GetOrAdd((group, topic, partition), static _ => new Entry());
        entry.Records = records;
        if (records == 0)
            entry.Milliseconds = 0;
    }

    internal static IEnumerable<Measurement<long>> RecordsBehind()
    {
        foreach (var (key, entry) in Partitions)
        {
            if (entry.Records >= 0)
                yield return new Measurement<long>(entry.Records, Tags(key));
        }
    }

    internal static IEnumerable<Measurement<double>> SecondsBehind()
    {
        foreach (var (key, entry) in Partitions)
            yield return new Measurement<double>(entry.Milliseconds / 1000.0, Tags(key));
    }

    private static KeyValuePair<string, object?>[] Tags((string Group, string Topic, int Partition) key) =>
        [new("consumer_group", key.Group), new("topic", key.Topic), new("partition", key.Partition)];
}
