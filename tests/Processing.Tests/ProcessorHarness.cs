using System.Globalization;
using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Keys;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Processing.Nav;
using PitPlatform.Testing;

namespace PitPlatform.Processing.Tests;

/// <summary>A NAV processor wired to a private Postgres schema and topic prefix on the run's real components.</summary>
internal sealed class ProcessorHarness : IAsyncDisposable
{
    private long _offset;

    private ProcessorHarness(TestDatabase database, KafkaSettings kafka, EnvelopeProducer producer)
    {
        Database = database;
        Kafka = kafka;
        Producer = producer;
        DeadLetters = new DeadLetterWriter(
            TopicCatalog.Embedded,
            Producer,
            TimeProvider.System,
            NullLogger<DeadLetterWriter>.Instance,
            new DeadLetterLedger(database.DataSource)
        );
        Processor = NewProcessor();
    }

    /// <summary>
    /// Another processor on the same store and broker: the same one after a restart, whose memory is gone.
    /// </summary>
    public NavProcessor NewProcessor() =>
        new(Database.DataSource, TopicCatalog.Embedded, Producer, DeadLetters, NullLogger<NavProcessor>.Instance);

    /// <summary>
    /// The processor (or <paramref name="inner"/>) inside the guard both hosts hand it batches through.
    /// </summary>
    public ConsumerGuard Guard(ConsumerFailurePolicy? policy = null, IRecordBatchHandler? inner = null) =>
        new(inner ?? Processor, DeadLetters, policy ?? ConsumerFailurePolicy.Default, NullLogger.Instance);

    public DeadLetterWriter DeadLetters { get; }

    public TestDatabase Database { get; }
    public KafkaSettings Kafka { get; }
    public EnvelopeProducer Producer { get; }
    public NavProcessor Processor { get; }
    public EnvelopeBuilder Envelopes { get; } = new(TopicCatalog.Embedded, "test/1.0");

    public static async Task<ProcessorHarness> StartAsync(PostgresFixture postgres, KafkaFixture kafka) =>
        await StartAsync(await postgres.CreateDatabaseAsync(), kafka);

    /// <summary>On a migrated database of the caller's (a fault test's private server).</summary>
    public static async Task<ProcessorHarness> StartAsync(TestDatabase database, KafkaFixture kafka)
    {
        var settings = kafka.Settings(await kafka.CreateCatalogTopicsAsync());
        return new ProcessorHarness(database, settings, new EnvelopeProducer(settings, TopicCatalog.Embedded, "test"));
    }

    public EventEnvelope FillEnvelope(
        Guid id,
        long quantity = 10,
        long price = 1_000_000,
        string cell = "0001",
        TradeSide side = TradeSide.Buy,
        string instrument = "ACME"
    ) =>
        Envelopes.Build(
            id,
            DateTimeOffset.Parse("2026-11-22T10:00:00Z", CultureInfo.InvariantCulture),
            NavProcessor.InputTopic,
            CanonicalKey.ForCell("demo", "alpha", cell),
            new TradeFillEvent
            {
                Instrument = instrument,
                Side = side,
                Quantity = quantity,
                PriceMicros = price,
                Currency = "USD",
            }
        );

    /// <summary>A record as the broker would deliver it, at the next offset of partition 0.</summary>
    public ConsumedRecord Record(EventEnvelope envelope) =>
        Record(Encoding.UTF8.GetBytes(envelope.Key), envelope.ToByteArray());

    public ConsumedRecord Record(byte[]? key, byte[] value) =>
        new(NavProcessor.InputTopic, 0, _offset++, key, value, DateTimeOffset.UtcNow, []);

    /// <summary>A record at a chosen position and append time (a replay, or a recreated topic).</summary>
    public static ConsumedRecord RecordAt(long offset, EventEnvelope envelope, DateTimeOffset appended) =>
        new(
            NavProcessor.InputTopic,
            0,
            offset,
            Encoding.UTF8.GetBytes(envelope.Key),
            envelope.ToByteArray(),
            appended,
            []
        );

    public async ValueTask DisposeAsync()
    {
        await Processor.DisposeAsync();
        Producer.Dispose();
        await Database.DisposeAsync();
    }
}
