using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Infrastructure.Tests;

/// <summary>The consumer loop decodes record headers only for handlers that read them.</summary>
public sealed class consumer_loop_headers(KafkaFixture kafka)
{
    private const string Topic = "pit.v1.ops.retention_sweep";

    [Fact]
    public async Task a_handler_that_reads_headers_gets_them()
    {
        var records = await ConsumeOneAsync(readsHeaders: true);
        var header = Assert.Single(records.Single().Headers);
        Assert.Equal("ce_id", header.Key);
        Assert.Equal("abc", Encoding.UTF8.GetString(header.Value));
    }

    [Fact]
    public async Task a_handler_that_reads_no_headers_gets_the_record_without_them()
    {
        var record = (await ConsumeOneAsync(readsHeaders: false)).Single();
        Assert.Empty(record.Headers);
        Assert.Equal([7], record.Value);
        Assert.Equal(Topic, record.Topic);
    }

    private async Task<List<ConsumedRecord>> ConsumeOneAsync(bool readsHeaders)
    {
        var naming = await kafka.CreateCatalogTopicsAsync();
        using (
            var producer = new ProducerBuilder<byte[], byte[]>(
                new ProducerConfig { BootstrapServers = kafka.BootstrapServers }
            ).Build()
        )
        {
            await producer.ProduceAsync(
                new TopicPartition(naming.Topic(Topic), 0),
                new Message<byte[], byte[]>
                {
                    Value = [7],
                    Headers = new Headers { { "ce_id", "abc"u8.ToArray() } },
                },
                TestContext.Current.CancellationToken
            );
        }
        var handler = new RecordingHandler(readsHeaders);
        await using (
            var loop = new KafkaConsumerLoop(
                handler,
                kafka.Settings(naming),
                new ConsumerLoopOptions { SessionTimeoutMs = 6000 },
                NullLogger.Instance
            )
        )
        {
            loop.Start();
            await Eventually.WaitForAsync(
                () => Task.FromResult(handler.Records.Count),
                n => n >= 1,
                TimeSpan.FromSeconds(30),
                "the record"
            );
        }
        return handler.Records;
    }

    private sealed class RecordingHandler(bool readsHeaders) : IRecordBatchHandler
    {
        public List<ConsumedRecord> Records { get; } = [];
        public string ConsumerGroup => "retention-sweeper";
        public IReadOnlyList<string> Topics => [Topic];
        public bool ReadsHeaders => readsHeaders;

        public Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
        {
            lock (Records)
                Records.AddRange(batch);
            return Task.CompletedTask;
        }
    }
}
