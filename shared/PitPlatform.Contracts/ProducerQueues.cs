using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PitPlatform.Contracts;

/// <summary>
/// The local queue depth each Kafka producer last reported (librdkafka statistics), for the producer queue gauge of
/// <see cref="PitMetrics"/>. A producer reports under its client id and forgets it when disposed.
/// </summary>
public static class ProducerQueues
{
    private static readonly ConcurrentDictionary<string, long> Latest = new(StringComparer.Ordinal);

    public static void Report(string clientId, long records) => Latest[clientId] = records;

    public static void Forget(string clientId) => Latest.TryRemove(clientId, out _);

    internal static IEnumerable<Measurement<long>> Depths()
    {
        foreach (var (client, records) in Latest)
            yield return new Measurement<long>(records, new KeyValuePair<string, object?>("client_id", client));
    }
}
