using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using PitPlatform.Contracts;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Envelope.V1;

namespace PitPlatform.Infrastructure.Kafka;

/// <summary>
/// The process's one Kafka producer of envelopes: idempotent, acks=all, gzip (the only codec Event Hubs takes),
/// a size guard below Event Hubs' limit, and CloudEvents binary-mode headers so tools read metadata without
/// protobuf. Only catalog topics are accepted. Produce calls complete when the broker acknowledged the record.
/// </summary>
public class EnvelopeProducer : IDisposable
{
    /// <summary>Event Hubs rejects requests of 1,046,528 bytes and more; leave room for the record overhead.</summary>
    public const int MaxEnvelopeBytes = 1_000_000;

    private readonly IProducer<byte[], byte[]> _producer;
    private readonly TopicCatalog _catalog;
    private readonly KafkaNaming _naming;

    public EnvelopeProducer(KafkaSettings settings, TopicCatalog catalog, string clientId)
        : this(settings, catalog, clientId, EnvelopeProducerOptions.Default) { }

    public EnvelopeProducer(
        KafkaSettings settings,
        TopicCatalog catalog,
        string clientId,
        EnvelopeProducerOptions options
    )
    {
        ArgumentNullException.ThrowIfNull(options);
        KafkaNativeLibrary.EnsureResolver();
        _catalog = catalog;
        _naming = new KafkaNaming(settings.Prefix);
        var config = Configuration(settings, clientId, options);
        // librdkafka's statistics every few seconds give the local queue's depth (pit.kafka.producer.queue_depth).
        config.StatisticsIntervalMs = StatisticsIntervalMs;
        _clientId = clientId;
        _producer = settings
            .Configure(new ProducerBuilder<byte[], byte[]>(config))
            .SetStatisticsHandler((_, json) => ProducerQueues.Report(clientId, QueuedRecords(json)))
            .Build();
    }

    private const int StatisticsIntervalMs = 5_000;
    private readonly string? _clientId;

    /// <summary>
    /// The top-level msg_cnt of librdkafka's statistics (the first one: brokers and partitions name theirs otherwise).
    /// </summary>
    public static long QueuedRecords(string statistics)
    {
        const string name = "\"msg_cnt\":";
        var at = statistics.IndexOf(name, StringComparison.Ordinal);
        if (at < 0)
            return 0;
        var start = at + name.Length;
        var end = start;
        while (end < statistics.Length && (char.IsAsciiDigit(statistics[end]) || statistics[end] == ' '))
            end++;
        return long.TryParse(
            statistics.AsSpan(start, end - start),
            System.Globalization.CultureInfo.InvariantCulture,
            out var count
        )
            ? count
            : 0;
    }

    /// <summary>
    /// The client settings every envelope producer runs with. Public so a load test's bare producer is built from the
    /// same settings as the product's and cannot drift from them.
    /// </summary>
    public static ProducerConfig Configuration(KafkaSettings settings, string clientId, EnvelopeProducerOptions options)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        var config = new ProducerConfig
        {
            ClientId = clientId,
            EnableIdempotence = true,
            Acks = Acks.All,
            CompressionType = CompressionType.Gzip,
            CompressionLevel = 1,
            LingerMs = options.Linger.TotalMilliseconds,
            // Event Hubs asks for 60 s; a shorter delivery timeout (tests) caps it.
            RequestTimeoutMs = Math.Min(60_000, settings.DeliveryTimeoutMs),
            MessageTimeoutMs = settings.DeliveryTimeoutMs,
            MessageMaxBytes = 1_046_000,
            // Outcomes need only the error, partition and offset, which every report carries; marshalling the
            // record's headers, key, value and timestamp back into .NET costs about 1 KB and a microsecond a record.
            DeliveryReportFields = "none",
        };
        settings.Apply(config);
        return config;
    }

    /// <summary>For mocking.</summary>
    protected EnvelopeProducer()
    {
        _producer = null!;
        _catalog = TopicCatalog.Embedded;
        _naming = KafkaNaming.Default;
    }

    /// <summary>
    /// Produces <paramref name="envelope"/> to its topic under its key and waits for the acknowledgement.
    /// </summary>
    public virtual async Task<ProducedRecord> ProduceAsync(
        EventEnvelope envelope,
        CancellationToken cancellationToken = default
    )
    {
        var traceHeaders = default(TraceHeaders);
        var message = ToMessage(envelope, null, ref traceHeaders);
        try
        {
            var result = await _producer
                .ProduceAsync(_naming.Topic(envelope.Topic), message, cancellationToken)
                .ConfigureAwait(false);
            return new ProducedRecord(envelope.Topic, result.Partition.Value, result.Offset.Value);
        }
        catch (ProduceException<byte[], byte[]> e)
        {
            throw new KafkaProduceException($"{envelope.Topic}: {e.Error.Reason}", e.Error.Code, !e.Error.IsFatal, e);
        }
    }

    /// <summary>
    /// Produces a record's bytes as they are to a catalog topic and waits for the acknowledgement: a dead letter's
    /// original record, replayed after a fix. The bytes are not checked (a poison record is replayed as it was).
    /// </summary>
    public virtual async Task<ProducedRecord> ProduceRawAsync(
        string catalogTopic,
        byte[]? key,
        byte[] value,
        IReadOnlyList<KeyValuePair<string, byte[]>> headers,
        CancellationToken cancellationToken = default
    )
    {
        _catalog.Require(catalogTopic);
        var message = new Message<byte[], byte[]>
        {
            Key = key!,
            Value = value,
            Headers = new Headers(),
        };
        foreach (var (name, header) in headers)
            message.Headers.Add(name, header);
        try
        {
            var result = await _producer
                .ProduceAsync(_naming.Topic(catalogTopic), message, cancellationToken)
                .ConfigureAwait(false);
            return new ProducedRecord(catalogTopic, result.Partition.Value, result.Offset.Value);
        }
        catch (ProduceException<byte[], byte[]> e)
        {
            throw new KafkaProduceException($"{catalogTopic}: {e.Error.Reason}", e.Error.Code, !e.Error.IsFatal, e);
        }
    }

    /// <summary>
    /// Produces a tombstone (the key with a null value) to a compacted catalog topic and waits for the acknowledgement:
    /// compaction then drops every earlier record of that key. Only compacted topics take tombstones.
    /// </summary>
    public virtual async Task<ProducedRecord> ProduceTombstoneAsync(
        string catalogTopic,
        string key,
        CancellationToken cancellationToken = default
    )
    {
        var definition = _catalog.Require(catalogTopic);
        if (!definition.CleanupPolicy.Contains("compact", StringComparison.Ordinal))
            throw new InvalidOperationException(
                $"{catalogTopic} is not compacted (cleanupPolicy {definition.CleanupPolicy}): a tombstone "
                    + "would delete nothing"
            );
        var message = new Message<byte[], byte[]> { Key = System.Text.Encoding.UTF8.GetBytes(key), Value = null! };
        try
        {
            var result = await _producer
                .ProduceAsync(_naming.Topic(catalogTopic), message, cancellationToken)
                .ConfigureAwait(false);
            return new ProducedRecord(catalogTopic, result.Partition.Value, result.Offset.Value);
        }
        catch (ProduceException<byte[], byte[]> e)
        {
            throw new KafkaProduceException($"{catalogTopic}: {e.Error.Reason}", e.Error.Code, !e.Error.IsFatal, e);
        }
    }

    /// <summary>
    /// Produces all envelopes at once (they pipeline on the connections) and completes when the broker has answered
    /// for every one of them: one outcome per envelope, in order. Delivery callbacks and a single completion per
    /// call keep the cost per record to librdkafka's own.
    /// </summary>
    public Task<ProduceOutcome[]> ProduceBatchAsync(IReadOnlyList<EventEnvelope> envelopes) =>
        ProduceBatchAsync(envelopes, null);

    /// <summary>
    /// As <see cref="ProduceBatchAsync(IReadOnlyList{EventEnvelope})"/>, for a caller that already serialised the
    /// envelopes (to store them too): <paramref name="serialized"/>[i] must be <c>envelopes[i].ToByteArray()</c>,
    /// and is sent as it is instead of serialising the envelope a second time.
    /// </summary>
    public virtual Task<ProduceOutcome[]> ProduceBatchAsync(
        IReadOnlyList<EventEnvelope> envelopes,
        IReadOnlyList<byte[]>? serialized
    )
    {
        if (serialized is not null && serialized.Count != envelopes.Count)
            throw new ArgumentException(
                $"{serialized.Count} serialised envelopes for {envelopes.Count} envelopes",
                nameof(serialized)
            );
        var outcomes = new ProduceOutcome[envelopes.Count];
        if (envelopes.Count == 0)
            return Task.FromResult(outcomes);
        var completion = new TaskCompletionSource<ProduceOutcome[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = envelopes.Count;
        var traceHeaders = default(TraceHeaders);
        void Done(int index, ProduceOutcome outcome)
        {
            outcomes[index] = outcome;
            if (Interlocked.Decrement(ref pending) == 0)
                completion.TrySetResult(outcomes);
        }

        for (var i = 0; i < envelopes.Count; i++)
        {
            var index = i;
            var envelope = envelopes[i];
            Message<byte[], byte[]> message;
            try
            {
                message = ToMessage(envelope, serialized?[i], ref traceHeaders);
            }
            catch (EnvelopeTooLargeException e)
            {
                Done(index, ProduceOutcome.Failed(e));
                continue;
            }
            ProduceWhenQueueHasRoom(_naming.Topic(envelope.Topic), message, report =>
                Done(
                    index,
                    report.Error.IsError
                        ? ProduceOutcome.Failed(
                            new KafkaProduceException(
                                $"{envelope.Topic}: {report.Error.Reason}",
                                report.Error.Code,
                                !report.Error.IsFatal
                            )
                        )
                        : ProduceOutcome.Stored(
                            new ProducedRecord(envelope.Topic, report.Partition.Value, report.Offset.Value)
                        )
                )
            );
        }
        return completion.Task;
    }

    /// <summary>
    /// librdkafka's local queue is bounded; when it is full, wait for room rather than fail the record.
    /// </summary>
    private void ProduceWhenQueueHasRoom(
        string topic,
        Message<byte[], byte[]> message,
        Action<DeliveryReport<byte[], byte[]>> handler
    )
    {
        while (true)
        {
            try
            {
                _producer.Produce(topic, message, handler);
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                Thread.Sleep(1);
            }
        }
    }

    public virtual void Flush(TimeSpan timeout) => _producer.Flush(timeout);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing || _producer is null)
            return;
        if (_clientId is not null)
            ProducerQueues.Forget(_clientId);
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }

    private Message<byte[], byte[]> ToMessage(EventEnvelope envelope, byte[]? serialized, ref TraceHeaders traceHeaders)
    {
        var topic = _catalog.Require(envelope.Topic);
        if (!topic.AllowsPayloadType(envelope.PayloadType))
            throw new InvalidOperationException($"{envelope.PayloadType} may not be produced to {envelope.Topic}");
        var value = serialized ?? envelope.ToByteArray();
        if (value.Length > MaxEnvelopeBytes)
            throw new EnvelopeTooLargeException(value.Length, MaxEnvelopeBytes);
        var key = Encoding.UTF8.GetBytes(envelope.Key);
        return new Message<byte[], byte[]>
        {
            Key = key,
            Value = value,
            Headers = CloudEventHeaders(envelope, key, ref traceHeaders),
        };
    }

    // librdkafka copies header values when a record is produced, so constant and repeated values can be shared.
    private static readonly byte[] SpecVersion = "1.0"u8.ToArray();
    private static readonly byte[] ContentType = "application/protobuf"u8.ToArray();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _repeated = new(
        StringComparer.Ordinal
    );

    /// <summary>CloudEvents 1.0 Kafka binding, binary mode: ce_* headers beside the protobuf value.</summary>
    private Headers CloudEventHeaders(EventEnvelope envelope, byte[] key, ref TraceHeaders traceHeaders)
    {
        var headers = new Headers
        {
            { "ce_specversion", SpecVersion },
            { "ce_id", Encoding.UTF8.GetBytes(envelope.EventId) },
            { "ce_source", Repeated(envelope.Producer) },
            { "ce_type", Repeated(envelope.PayloadType) },
            { "ce_subject", key },
            {
                "ce_time",
                Encoding.UTF8.GetBytes(
                    envelope
                        .Ts.ToDateTimeOffset()
                        .ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture)
                )
            },
            { "content-type", ContentType },
        };
        traceHeaders.AddTo(headers, envelope.Traceparent, envelope.Tracestate);
        return headers;
    }

    /// <summary>Producer names and payload types: a handful of values, encoded once.</summary>
    private byte[] Repeated(string text) =>
        _repeated.Count < 1024
            ? _repeated.GetOrAdd(text, static t => Encoding.UTF8.GetBytes(t))
            : Encoding.UTF8.GetBytes(text);
}
