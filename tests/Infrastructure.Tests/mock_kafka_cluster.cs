using System.Diagnostics;
using Confluent.Kafka;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Infrastructure.Tests;

/// <summary>
/// The embedded broker speaks real Kafka: an independent client (kcat) and Confluent.Kafka interoperate.
/// </summary>
public sealed class mock_kafka_cluster(KafkaFixture kafka)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task kcat_reads_keys_and_headers_that_confluent_kafka_produced()
    {
        var naming = await kafka.CreateCatalogTopicsAsync();
        var topic = naming.Topic("pit.v1.ops.retention_sweep");
        using (
            var producer = new ProducerBuilder<string, string>(
                new ProducerConfig { BootstrapServers = kafka.BootstrapServers, EnableIdempotence = true }
            ).Build()
        )
        {
            var headers = new Headers { { "ce_id", "abc"u8.ToArray() } };
            await producer.ProduceAsync(
                new TopicPartition(topic, 2),
                new Message<string, string>
                {
                    Key = "t/demo/s/alpha",
                    Value = "hello",
                    Headers = headers,
                },
                Ct
            );
        }

        var output = await Kcat(
            "-C",
            "-b",
            kafka.BootstrapServers,
            "-t",
            topic,
            "-p",
            "2",
            "-o",
            "beginning",
            "-e",
            "-f",
            "%k|%s|%h\\n"
        );

        Assert.Equal("t/demo/s/alpha|hello|ce_id=abc", output.Trim());
    }

    [Fact]
    public async Task confluent_kafka_reads_what_kcat_produced()
    {
        var naming = await kafka.CreateCatalogTopicsAsync();
        var topic = naming.Topic("pit.v1.ops.retention_sweep");
        await Kcat(
            "-P",
            "-b",
            kafka.BootstrapServers,
            "-t",
            topic,
            "-p",
            "0",
            "-K",
            ":",
            "-e",
            "-l",
            WriteLines("k1:v1", "k2:v2")
        );

        using var consumer = new ConsumerBuilder<string, string>(
            new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "g" }
        ).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var read = new List<string>();
        while (read.Count < 2 && consumer.Consume(TimeSpan.FromSeconds(10)) is { Message: { } m })
            read.Add($"{m.Key}={m.Value}");
        Assert.Equal(["k1=v1", "k2=v2"], read);
    }

    [Fact]
    public async Task catalog_topics_are_created_with_their_partition_counts()
    {
        var naming = await kafka.CreateCatalogTopicsAsync();
        using var admin = new AdminClientBuilder(
            new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }
        ).Build();
        var metadata = admin.GetMetadata(naming.Topic("pit.v1.exec.trade_fill"), TimeSpan.FromSeconds(10));
        Assert.Equal(12, metadata.Topics.Single().Partitions.Count);
    }

    private static string WriteLines(params string[] lines)
    {
        var path = Path.GetTempFileName();
        File.WriteAllLines(path, lines);
        return path;
    }

    private static async Task<string> Kcat(params string[] arguments)
    {
        var info = new ProcessStartInfo("kcat") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync(Ct);
        var error = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, $"kcat failed: {error}");
        return output;
    }
}
