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
using PitPlatform.Processing.Usage;
using PitPlatform.Testing;

namespace PitPlatform.Processing.Tests;

/// <summary>
/// A usage aggregator wired to a private Postgres schema and topic prefix on the run's real components.
/// </summary>
internal sealed class UsageHarness : IAsyncDisposable
{
    private long _offset;

    private UsageHarness(
        TestDatabase database,
        KafkaSettings kafka,
        EnvelopeProducer producer,
        int samplePartsPerMillion
    )
    {
        Database = database;
        Kafka = kafka;
        Producer = producer;
        DeadLetterWriter = new DeadLetterWriter(
            TopicCatalog.Embedded,
            producer,
            TimeProvider.System,
            NullLogger<DeadLetterWriter>.Instance,
            new DeadLetterLedger(database.DataSource)
        );
        Aggregator = new UsageAggregator(
            database.DataSource,
            TopicCatalog.Embedded,
            DeadLetterWriter,
            new UsageTextSampling(samplePartsPerMillion),
            NullLogger<UsageAggregator>.Instance
        );
    }

    public TestDatabase Database { get; }
    public KafkaSettings Kafka { get; }
    public EnvelopeProducer Producer { get; }
    public UsageAggregator Aggregator { get; }
    public DeadLetterWriter DeadLetterWriter { get; }

    /// <summary>The aggregator inside the guard both hosts hand it batches through.</summary>
    public ConsumerGuard Guard(ConsumerFailurePolicy? policy = null) =>
        new(Aggregator, DeadLetterWriter, policy ?? ConsumerFailurePolicy.Default, NullLogger.Instance);

    public EnvelopeBuilder Envelopes { get; } = new(TopicCatalog.Embedded, "test/1.0");

    /// <param name="samplePartsPerMillion">The sampled fraction of call text; none by default, so tests choose.</param>
    public static async Task<UsageHarness> StartAsync(
        PostgresFixture postgres,
        KafkaFixture kafka,
        int samplePartsPerMillion = 0
    )
    {
        var database = await postgres.CreateDatabaseAsync();
        var settings = kafka.Settings(await kafka.CreateCatalogTopicsAsync());
        return new UsageHarness(
            database,
            settings,
            new EnvelopeProducer(settings, TopicCatalog.Embedded, "test"),
            samplePartsPerMillion
        );
    }

    public static LlmCallEvent Call(
        string model = "gpt-4o",
        long input = 100,
        long output = 20,
        long cost = 1_500,
        string currency = "USD",
        bool flagged = false,
        string runId = "",
        string prompt = "What is NAV?",
        string response = "Net asset value."
    ) =>
        new()
        {
            Model = model,
            InputTokens = input,
            OutputTokens = output,
            CostMicros = cost,
            Currency = currency,
            LatencyMs = 850,
            RunId = runId,
            UserRefHash = new string('a', 64),
            Flagged = flagged,
            Prompt = prompt,
            Response = response,
        };

    public EventEnvelope CallEnvelope(
        Guid id,
        LlmCallEvent call,
        string tenant = "demo",
        string ts = "2026-11-22T10:00:00Z"
    ) =>
        Envelopes.Build(
            id,
            DateTimeOffset.Parse(ts, System.Globalization.CultureInfo.InvariantCulture),
            UsageAggregator.LlmCallTopic,
            CanonicalKey.ForSeries(tenant, "assistant"),
            call
        );

    public EventEnvelope FillEnvelope(Guid id, string tenant = "demo", string ts = "2026-11-22T10:00:00Z") =>
        Envelopes.Build(
            id,
            DateTimeOffset.Parse(ts, System.Globalization.CultureInfo.InvariantCulture),
            NavProcessor.InputTopic,
            CanonicalKey.ForCell(tenant, "alpha", "0001"),
            new TradeFillEvent
            {
                Instrument = "ACME",
                Side = TradeSide.Buy,
                Quantity = 1,
                PriceMicros = 1_000_000,
                Currency = "USD",
            }
        );

    /// <summary>
    /// A record as the broker would deliver it, at the next offset of partition 0 of the envelope's topic.
    /// </summary>
    public ConsumedRecord Record(EventEnvelope envelope) =>
        new(
            envelope.Topic,
            0,
            _offset++,
            Encoding.UTF8.GetBytes(envelope.Key),
            envelope.ToByteArray(),
            DateTimeOffset.UtcNow,
            []
        );

    public ConsumedRecord Record(string topic, byte[]? key, byte[] value) =>
        new(topic, 0, _offset++, key, value, DateTimeOffset.UtcNow, []);

    public List<DeadLetter> DeadLetters(int expected) =>
        TopicReader
            .ReadAll(Kafka, DeadLetterWriter.Topic, expected, TimeSpan.FromSeconds(20))
            .Select(r => DeadLetter.Parser.ParseFrom(EventEnvelope.Parser.ParseFrom(r.Message.Value).Payload))
            .ToList();

    public async ValueTask DisposeAsync()
    {
        Producer.Dispose();
        await Database.DisposeAsync();
    }
}
