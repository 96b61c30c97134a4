using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Keys;
using PitPlatform.Infrastructure.Kafka;

/// <summary>
/// The raw limit of <c>./pit load</c>: the bare Confluent producer with the product's own client settings
/// (<see cref="EnvelopeProducer.Configuration"/>: gzip at level 1, no linger, idempotent, acks=all, no delivery-report
/// fields) and, as the host, one client per process, sending envelopes of the same size with the same headers. It is
/// the best of three ways of handing that client records: one thread, one thread per core, and the HTTP run's own
/// shape (as many concurrent callers as HTTP clients, each handing over 500 records and waiting for their
/// acknowledgements, as an ingest request does). With the embedded cluster each timed phase produces to a fresh topic
/// shaped like the fill topic (same partitions and replicas): the mock broker slows as a partition's message sets pile
/// up, which would otherwise make every phase slower than the one before it, the HTTP run last of all.
/// </summary>
internal static class BareProducer
{
    private const string Topic = "pit.v1.exec.trade_fill";
    private const int Batch = 500;

    private static int _topics;

    /// <summary>Records per second of the best way, and each way's figure.</summary>
    public static (double Best, string Sweep) RawLimit(
        KafkaSettings kafka,
        MockKafkaCluster? cluster,
        int count,
        int clients,
        bool withTraceparent
    )
    {
        var messages = Messages(withHeaders: true, withTraceparent);
        using var producer = Build(kafka);
        Warm(producer, FreshTopic(kafka, cluster), messages);
        var shapes = new (string Name, Func<double> Run)[]
        {
            ("1 thread", () => Loop(producer, FreshTopic(kafka, cluster), messages, count, threads: 1)),
            ($"{Environment.ProcessorCount} threads", () =>
                Loop(producer, FreshTopic(kafka, cluster), messages, count, threads: Environment.ProcessorCount)
            ),
            ($"{clients} callers x {Batch}", () =>
                Batches(producer, FreshTopic(kafka, cluster), messages, count, clients)
            ),
        };
        var rates = shapes.Select(s => (s.Name, Rate: s.Run())).ToList();
        return (rates.Max(r => r.Rate), string.Join(", ", rates.Select(r => $"{r.Name} {r.Rate:N0}/s")));
    }

    /// <summary>
    /// The same without headers (one thread per core): what the seven CloudEvents headers cost the client.
    /// </summary>
    public static double WithoutHeaders(KafkaSettings kafka, MockKafkaCluster? cluster, int count)
    {
        var messages = Messages(withHeaders: false, withTraceparent: false);
        using var producer = Build(kafka);
        Warm(producer, FreshTopic(kafka, cluster), messages);
        return Loop(producer, FreshTopic(kafka, cluster), messages, count, Environment.ProcessorCount);
    }

    private static string? _lastTopic;

    /// <summary>
    /// A new topic shaped like the fill topic on the embedded cluster; the fill topic itself on any other. The previous
    /// phase's topic is dropped first: the mock keeps every topic's records in this process, and the RSS figure is the
    /// host's, not the baseline's leftovers.
    /// </summary>
    private static string FreshTopic(KafkaSettings kafka, MockKafkaCluster? cluster)
    {
        if (cluster is null)
            return kafka.Prefix + Topic;
        if (_lastTopic is not null)
            cluster.DeleteTopic(_lastTopic);
        var name = _lastTopic = $"{kafka.Prefix}bench.bare.{Interlocked.Increment(ref _topics)}";
        cluster.CreateTopic(name, TopicCatalog.Embedded.Require(Topic).Partitions, replicationFactor: 3);
        return name;
    }

    private static IProducer<byte[], byte[]> Build(KafkaSettings kafka) =>
        kafka
            .Configure(
                new ProducerBuilder<byte[], byte[]>(
                    EnvelopeProducer.Configuration(kafka, "pit-load-bare", EnvelopeProducerOptions.Default)
                )
            )
            .Build();

    /// <summary>
    /// Connections, the idempotent producer id and every partition's leader, before anything is timed.
    /// </summary>
    private static void Warm(IProducer<byte[], byte[]> producer, string topic, Message<byte[], byte[]>[] messages)
    {
        Loop(producer, topic, messages, 2_000, threads: 1);
    }

    /// <summary>
    /// <paramref name="threads"/> threads produce without waiting; timed until every record is acknowledged.
    /// </summary>
    private static double Loop(
        IProducer<byte[], byte[]> producer,
        string topic,
        Message<byte[], byte[]>[] messages,
        int count,
        int threads
    )
    {
        var failed = 0;
        Action<DeliveryReport<byte[], byte[]>> report = r =>
        {
            if (r.Error.IsError)
                Interlocked.Increment(ref failed);
        };
        var watch = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (var i = t; i < count; i += threads)
                Produce(producer, topic, messages[i % messages.Length], report);
        });
        producer.Flush(TimeSpan.FromMinutes(2));
        var elapsed = watch.Elapsed.TotalSeconds;
        if (failed > 0)
            throw new InvalidOperationException($"{failed} bare deliveries failed");
        return count / elapsed;
    }

    /// <summary>
    /// <paramref name="callers"/> concurrent callers each hand over 500 records and wait for their acknowledgements.
    /// </summary>
    private static double Batches(
        IProducer<byte[], byte[]> producer,
        string topic,
        Message<byte[], byte[]>[] messages,
        int count,
        int callers
    )
    {
        var batches = count / Batch;
        var next = -1;
        var failed = 0;
        var watch = Stopwatch.StartNew();
        Task.WhenAll(
                Enumerable
                    .Range(0, callers)
                    .Select(_ =>
                        Task.Run(async () =>
                        {
                            int b;
                            while ((b = Interlocked.Increment(ref next)) < batches)
                            {
                                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                                var pending = Batch;
                                for (var i = 0; i < Batch; i++)
                                {
                                    Produce(producer, topic, messages[(b * Batch + i) % messages.Length], r =>
                                    {
                                        if (r.Error.IsError)
                                            Interlocked.Increment(ref failed);
                                        if (Interlocked.Decrement(ref pending) == 0)
                                            done.TrySetResult();
                                    });
                                }
                                await done.Task;
                            }
                        })
                    )
            )
            .GetAwaiter()
            .GetResult();
        var elapsed = watch.Elapsed.TotalSeconds;
        if (failed > 0)
            throw new InvalidOperationException($"{failed} bare deliveries failed");
        return batches * Batch / elapsed;
    }

    /// <summary>
    /// As the product: when librdkafka's local queue is full, wait for room rather than fail the record.
    /// </summary>
    private static void Produce(
        IProducer<byte[], byte[]> producer,
        string topic,
        Message<byte[], byte[]> message,
        Action<DeliveryReport<byte[], byte[]>> report
    )
    {
        while (true)
        {
            try
            {
                producer.Produce(topic, message, report);
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                Thread.Sleep(1);
            }
        }
    }

    /// <summary>
    /// 10,000 distinct envelopes of a trade fill, keyed by cell over 50 cells, with the CloudEvents headers the product
    /// sends (and a traceparent, when the host's records carry one).
    /// </summary>
    private static Message<byte[], byte[]>[] Messages(bool withHeaders, bool withTraceparent)
    {
        var builder = new EnvelopeBuilder(TopicCatalog.Embedded, "load/1.0");
        return Enumerable
            .Range(0, 10_000)
            .Select(i =>
            {
                var key = CanonicalKey.ForCell("demo", "alpha", $"c{i % 50}");
                var traceparent = withTraceparent
                    ? $"00-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())}-"
                        + $"{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8])}-00"
                    : null;
                var envelope = builder.Build(
                    Guid.NewGuid(),
                    DateTimeOffset.UtcNow,
                    Topic,
                    key,
                    new TradeFillEvent
                    {
                        Instrument = "ACME",
                        Side = TradeSide.Buy,
                        Quantity = 100,
                        PriceMicros = 12_500_000,
                        Currency = "USD",
                        FeeMicros = 1_000,
                    },
                    traceparent
                );
                var headers = new Headers();
                if (withHeaders)
                {
                    foreach (
                        var (name, value) in new[]
                        {
                            ("ce_specversion", "1.0"),
                            ("ce_id", envelope.EventId),
                            ("ce_source", envelope.Producer),
                            ("ce_type", envelope.PayloadType),
                            ("ce_subject", envelope.Key),
                            ("ce_time", "2026-11-22T09:30:00Z"),
                            ("content-type", "application/protobuf"),
                        }
                    )
                        headers.Add(name, Encoding.UTF8.GetBytes(value));
                    if (traceparent is not null)
                        headers.Add("traceparent", Encoding.UTF8.GetBytes(traceparent));
                }
                return new Message<byte[], byte[]>
                {
                    Key = Encoding.UTF8.GetBytes(envelope.Key),
                    Value = envelope.ToByteArray(),
                    Headers = headers,
                };
            })
            .ToArray();
    }

    /// <summary>
    /// The header names of a record the host produced to the fill topic (read back from the earliest offset).
    /// </summary>
    public static IReadOnlyList<string> HostHeaders(KafkaSettings kafka)
    {
        var config = new ConsumerConfig
        {
            GroupId = "pit-load-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        kafka.Apply(config);
        using var consumer = kafka.Configure(new ConsumerBuilder<byte[], byte[]>(config)).Build();
        consumer.Subscribe(kafka.Prefix + Topic);
        try
        {
            var record = consumer.Consume(TimeSpan.FromSeconds(30))
                ?? throw new InvalidOperationException($"no record of the host's in {Topic} within 30 s");
            return record.Message.Headers.Select(h => h.Key).ToList();
        }
        finally
        {
            consumer.Close();
        }
    }
}
