using System.Globalization;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Identifiers;
using PitPlatform.Contracts.Keys;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Processing.Archive;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Testing;

namespace PitPlatform.Archive.Tests;

/// <summary>
/// An archiver wired to a private Postgres schema, Blob container and topic prefix on the run's real components.
/// </summary>
internal sealed class ArchiveHarness : IAsyncDisposable
{
    public const string Topic = "pit.v1.exec.trade_fill";
    public static readonly DateTimeOffset Epoch = DateTimeOffset.Parse(
        "2026-11-22T10:00:00Z",
        CultureInfo.InvariantCulture
    );
    private static readonly EnvelopeBuilder Envelopes = new(TopicCatalog.Embedded, "test/1.0");

    private ArchiveHarness(
        TestDatabase database,
        BlobContainerClient container,
        string blobConnectionString,
        KafkaSettings kafka,
        EnvelopeProducer producer
    )
    {
        ConnectionString = blobConnectionString;
        Database = database;
        Container = container;
        Kafka = kafka;
        Producer = producer;
        DeadLetters = new CountingDeadLetterWriter(producer);
        Archiver = ArchiverOn(container);
    }

    public TestDatabase Database { get; }
    public BlobContainerClient Container { get; }

    /// <summary>The Blob account's connection string.</summary>
    public string ConnectionString { get; }
    public KafkaSettings Kafka { get; }
    public EnvelopeProducer Producer { get; }
    public CountingDeadLetterWriter DeadLetters { get; }
    public Archiver Archiver { get; }
    public ArchiveVerifier Verifier => new(Container, Database.DataSource);

    public static async Task<ArchiveHarness> StartAsync(
        PostgresFixture postgres,
        KafkaFixture kafka,
        BlobFixture blob,
        BlobContainerClient? container = null
    )
    {
        var database = await postgres.CreateDatabaseAsync();
        var settings = kafka.Settings(await kafka.CreateCatalogTopicsAsync());
        return new ArchiveHarness(
            database,
            container ?? await blob.CreateContainerAsync(),
            blob.ConnectionString,
            settings,
            new EnvelopeProducer(settings, TopicCatalog.Embedded, "test")
        );
    }

    /// <summary>
    /// An archiver on this harness's Postgres and dead-letter writer, writing to <paramref name="container"/>.
    /// </summary>
    public Archiver ArchiverOn(BlobContainerClient container) =>
        new(
            new ArchiveStorage(container),
            Database.DataSource,
            TopicCatalog.Embedded,
            DeadLetters,
            NullLogger<Archiver>.Instance
        );

    public static EventEnvelope Fill(int partition, long offset, long quantity = 10) =>
        Envelopes.Build(
            DeterministicGuid.Create(DeterministicGuid.PitNamespace, $"archive-test:{partition}:{offset}:{quantity}"),
            Epoch.AddSeconds(offset),
            Topic,
            CanonicalKey.ForCell("demo", "alpha", $"c{partition}"),
            new TradeFillEvent
            {
                Instrument = "ACME",
                Side = TradeSide.Buy,
                Quantity = quantity,
                PriceMicros = 1_000_000,
                Currency = "USD",
            }
        );

    /// <summary>
    /// A fill as the broker would deliver it at <paramref name="offset"/>, appended one second per offset after the
    /// epoch.
    /// </summary>
    public static ConsumedRecord Record(int partition, long offset, long quantity = 10) =>
        RecordOf(partition, offset, Fill(partition, offset, quantity).ToByteArray());

    public static ConsumedRecord RecordOf(int partition, long offset, byte[] value) =>
        new(
            Topic,
            partition,
            offset,
            Encoding.UTF8.GetBytes($"t/demo/s/alpha/c/c{partition}"),
            value,
            Epoch.AddSeconds(offset),
            []
        );

    public static IReadOnlyList<ConsumedRecord> Records(int partition, long first, long last) =>
        Enumerable.Range(0, checked((int)(last - first + 1))).Select(i => Record(partition, first + i)).ToList();

    /// <summary>Every blob of the container: name, content hash and ETag (which changes on any rewrite).</summary>
    public async Task<IReadOnlyList<(string Name, string Sha256, string ETag)>> SnapshotAsync()
    {
        var blobs = new List<(string, string, string)>();
        await foreach (
            var item in Container.GetBlobsAsync(
                BlobTraits.None,
                BlobStates.None,
                prefix: null,
                cancellationToken: default
            )
        )
        {
            var content = await Container.GetBlobClient(item.Name).DownloadContentAsync();
            blobs.Add(
                (
                    item.Name,
                    ArchiveManifest.Sha256Hex(content.Value.Content.ToArray()),
                    content.Value.Details.ETag.ToString()
                )
            );
        }
        return blobs.OrderBy(b => b.Item1, StringComparer.Ordinal).ToList();
    }

    public async Task<byte[]> ReadAsync(string name) =>
        (await Container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();

    /// <summary>Replaces a blob's bytes the way a careless operator or an attacker would.</summary>
    public async Task OverwriteAsync(string name, byte[] content)
    {
        await Container.GetBlobClient(name).UploadAsync(new BinaryData(content), overwrite: true);
    }

    public async Task<ArchiveChainHead?> HeadAsync(int partition) =>
        (
            await ArchiveChainStore.ReadAllAsync(Database.DataSource, Topic, partition, CancellationToken.None)
        ).SingleOrDefault();

    public async ValueTask DisposeAsync()
    {
        Producer.Dispose();
        await Database.DisposeAsync();
    }
}

/// <summary>The real dead-letter writer, counting what it was asked to write.</summary>
internal sealed class CountingDeadLetterWriter(EnvelopeProducer producer)
    : DeadLetterWriter(TopicCatalog.Embedded, producer, TimeProvider.System, NullLogger<DeadLetterWriter>.Instance)
{
    private int _written;
    public int Written => Volatile.Read(ref _written);

    /// <summary>Dead letters still to fail, as when Kafka does not acknowledge them.</summary>
    public int FailuresLeft { get; set; }

    public override Task<ProducedRecord> WriteAsync(
        ConsumedRecord record,
        string consumerGroup,
        string reason,
        string error,
        EventEnvelope? parsed,
        CancellationToken cancellationToken
    )
    {
        Interlocked.Increment(ref _written);
        if (FailuresLeft > 0)
        {
            FailuresLeft--;
            return Task.FromException<ProducedRecord>(
                new InvalidOperationException("Kafka did not acknowledge the dead letter")
            );
        }
        return base.WriteAsync(record, consumerGroup, reason, error, parsed, cancellationToken);
    }
}
