using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Infrastructure.Kafka;

namespace PitPlatform.Fuzz;

/// <summary>One consumer group and the catalog topics it reads.</summary>
public sealed record ConsumerGroup(string Name, IReadOnlyList<string> Topics);

/// <summary>
/// After the fuzzing: the host still ingests (a fresh valid fill is accepted and its NAV becomes visible in the query
/// API) and every consumer is current (its committed offsets reach the high watermark of every partition it reads).
/// </summary>
public static class PostChecks
{
    /// <returns>null when ingest is healthy, else what failed.</returns>
    public static async Task<string?> IngestAsync(
        Uri baseAddress,
        string key,
        TimeSpan bound,
        TextWriter output,
        CancellationToken cancellationToken = default
    )
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var series = "fuzzcheck-" + Guid.NewGuid().ToString("N")[..10];
        var eventId = Guid.CreateVersion7();
        var body =
            $$$"""{"data":[{"type":"exec.trade_fill","event_id":"{{{eventId}}}","ts":"{{{DateTimeOffset.UtcNow:yyyy-MM-dd'T'HH:mm:ss'Z'}}}","series":"{{{series}}}","cell":"c0","payload":{"instrument":"ACME","side":"buy","quantity":3,"price_micros":2000000,"currency":"USD"}}]}""";
        var watch = Stopwatch.StartNew();
        using var posted = await http.PostAsync(
                "/v1/events",
                new StringContent(body, Encoding.UTF8, "application/json"),
                cancellationToken
            )
            .ConfigureAwait(false);
        if (posted.StatusCode != HttpStatusCode.Accepted)
            return $"a fresh valid fill got {(int)posted.StatusCode}: "
                + $"{await posted.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}";
        while (watch.Elapsed < bound)
        {
            using var answer = await http.GetAsync($"/v1/series/{series}/nav?cell=c0", cancellationToken)
                .ConfigureAwait(false);
            if (answer.StatusCode == HttpStatusCode.OK)
            {
                using var document = JsonDocument.Parse(
                    await answer.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)
                );
                if (document.RootElement.GetProperty("data").GetArrayLength() > 0)
                {
                    output.WriteLine(
                        "ingest: a fresh fill got 202 and its NAV was visible after "
                            + $"{watch.Elapsed.TotalMilliseconds:F0} ms"
                    );
                    return null;
                }
            }
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
        return $"a fresh fill got 202, but its NAV (series {series}) was not visible within {bound.TotalSeconds:F0} s";
    }

    /// <returns>null when every group's lag reached 0 within <paramref name="bound"/>, else the lag left per
    /// group.</returns>
    public static async Task<string?> ConsumersCurrentAsync(
        KafkaSettings kafka,
        IReadOnlyList<ConsumerGroup> groups,
        TimeSpan bound,
        TextWriter output,
        CancellationToken cancellationToken = default
    )
    {
        KafkaNativeLibrary.EnsureResolver();
        var naming = new KafkaNaming(kafka.Prefix);
        var watch = Stopwatch.StartNew();
        Dictionary<string, List<string>> lagging;
        while (true)
        {
            lagging = groups
                .ToDictionary(g => g.Name, g => Lag(kafka, naming, g))
                .Where(p => p.Value.Count > 0)
                .ToDictionary(p => p.Key, p => p.Value);
            if (lagging.Count == 0)
            {
                output.WriteLine(
                    $"consumers: {string.Join(", ", groups.Select(g => g.Name))} all current (lag 0) after "
                        + $"{watch.Elapsed.TotalMilliseconds:F0} ms"
                );
                return null;
            }
            if (watch.Elapsed > bound)
                break;
            await Task.Delay(500, cancellationToken).ConfigureAwait(false);
        }
        return "consumers not current within "
            + bound.TotalSeconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)
            + " s: "
            + string.Join("; ", lagging.Select(p => $"{p.Key} ({string.Join(", ", p.Value)})"));
    }

    /// <summary>
    /// "topic[partition] lag N" for every partition of the group's topics whose committed offset is behind.
    /// </summary>
    private static List<string> Lag(KafkaSettings kafka, KafkaNaming naming, ConsumerGroup group)
    {
        var config = new ConsumerConfig
        {
            GroupId = naming.Group(group.Name),
            EnableAutoCommit = false,
            ClientId = "pit-fuzz-lag",
        };
        kafka.Apply(config);
        var adminConfig = new AdminClientConfig();
        kafka.Apply(adminConfig);
        using var admin = kafka.Configure(new AdminClientBuilder(adminConfig)).Build();
        // Not subscribed: reading a group's committed offsets does not join it.
        using var consumer = kafka.Configure(new ConsumerBuilder<Ignore, Ignore>(config)).Build();
        var partitions = group
            .Topics.Select(naming.Topic)
            .SelectMany(topic =>
                admin
                    .GetMetadata(topic, TimeSpan.FromSeconds(10))
                    .Topics.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId)))
            )
            .ToList();
        var committed = consumer
            .Committed(partitions, TimeSpan.FromSeconds(10))
            .ToDictionary(c => c.TopicPartition, c => c.Offset);
        var behind = new List<string>();
        foreach (var partition in partitions)
        {
            var marks = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10));
            var at =
                committed.TryGetValue(partition, out var offset) && offset != Offset.Unset
                    ? offset.Value
                    : marks.Low.Value;
            var lag = marks.High.Value - at;
            if (lag > 0)
                behind.Add(
                    $"{naming.CatalogTopic(partition.Topic) ?? partition.Topic}[{partition.Partition.Value}] lag {lag}"
                );
        }
        return behind;
    }
}
