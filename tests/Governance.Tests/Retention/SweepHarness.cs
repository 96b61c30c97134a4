using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging.Abstractions;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Identifiers;
using PitPlatform.Contracts.Keys;
using PitPlatform.Governance.Audit;
using PitPlatform.Governance.Retention;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Processing.Archive;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Testing;

namespace PitPlatform.Governance.Tests.Retention;

/// <summary>
/// A retention sweeper on a private Postgres schema, Blob container and topic prefix of the run's real components.
/// </summary>
internal sealed class SweepHarness : IAsyncDisposable
{
    /// <summary>The sweeps' "now": 90 days before it is 2026-09-02.</summary>
    public static readonly DateTimeOffset Now = DateTimeOffset.Parse(
        "2026-12-01T00:00:00Z",
        System.Globalization.CultureInfo.InvariantCulture
    );
    public static readonly DateTimeOffset Old = DateTimeOffset.Parse(
        "2026-08-01T10:00:00Z",
        System.Globalization.CultureInfo.InvariantCulture
    );
    public static readonly DateTimeOffset Recent = DateTimeOffset.Parse(
        "2026-11-20T10:00:00Z",
        System.Globalization.CultureInfo.InvariantCulture
    );

    private static readonly EnvelopeBuilder Envelopes = new(TopicCatalog.Embedded, "retention-scheduler/test");
    private long _offset;

    private SweepHarness(
        TestDatabase database,
        KafkaSettings kafka,
        EnvelopeProducer producer,
        BlobContainerClient container,
        int chunkRows
    )
    {
        Database = database;
        Kafka = kafka;
        Producer = producer;
        Container = container;
        Policies = new RetentionPolicyStore(database.DataSource, new RetentionSettings { ChunkRows = chunkRows });
        DeadLetters = new DeadLetterWriter(
            TopicCatalog.Embedded,
            producer,
            Time,
            NullLogger<DeadLetterWriter>.Instance
        );
        Pruner = new ArchivePruner(
            new ArchiveStorage(container),
            database.DataSource,
            NullLogger<ArchivePruner>.Instance
        );
        Audit = new RetentionAudit(new AuditTrail(database.DataSource, Time));
    }

    public TestDatabase Database { get; }
    public KafkaSettings Kafka { get; }
    public EnvelopeProducer Producer { get; }
    public BlobContainerClient Container { get; }
    public RetentionPolicyStore Policies { get; }
    public DeadLetterWriter DeadLetters { get; }
    public ArchivePruner Pruner { get; }
    public RetentionAudit Audit { get; }
    public TimeProvider Time { get; } = new FixedTime(Now);

    public static async Task<SweepHarness> StartAsync(
        PostgresFixture postgres,
        KafkaFixture kafka,
        BlobFixture blob,
        int chunkRows = 5_000
    )
    {
        var database = await postgres.CreateDatabaseAsync();
        var settings = kafka.Settings(await kafka.CreateCatalogTopicsAsync());
        return new SweepHarness(
            database,
            settings,
            new EnvelopeProducer(settings, TopicCatalog.Embedded, "test"),
            await blob.CreateContainerAsync(),
            chunkRows
        );
    }

    public RetentionSweeper Sweeper() =>
        new(
            Database.DataSource,
            TopicCatalog.Embedded,
            Policies,
            Pruner,
            Audit,
            DeadLetters,
            Time,
            NullLogger<RetentionSweeper>.Instance
        );

    /// <summary>
    /// A sweeper that stops, as a crashed process would, after <paramref name="chunks"/> committed chunks.
    /// </summary>
    public RetentionSweeper CrashingSweeper(int chunks) =>
        new StoppingSweeper(chunks, Database.DataSource, Policies, Pruner, Audit, DeadLetters, Time);

    /// <summary>The RetentionSweep the scheduler would emit at <see cref="Now"/> (or with the cutoff given).</summary>
    public ConsumedRecord Sweep(string tenant, DateTimeOffset? cutoff = null, string? keyTenant = null, int days = 90)
    {
        var id = DeterministicGuid.Create(
            DeterministicGuid.PitNamespace,
            $"retention-sweep-test:{tenant}:{cutoff?.UtcTicks}:{Guid.NewGuid()}"
        );
        var sweep = new RetentionSweep
        {
            Tenant = tenant,
            Cutoff = Timestamp.FromDateTimeOffset(cutoff ?? Now.AddDays(-days)),
            RetentionDays = days,
        };
        var envelope = Envelopes.Build(
            id,
            Now,
            RetentionSweeper.Topic,
            CanonicalKey.ForSeries(keyTenant ?? tenant, RetentionScheduler.KeySeries),
            sweep
        );
        return Record(envelope.Key, envelope.ToByteArray());
    }

    public ConsumedRecord Record(string key, byte[] value) =>
        new(RetentionSweeper.Topic, 0, _offset++, Encoding.UTF8.GetBytes(key), value, Now, []);

    /// <summary>
    /// NAV points of one cell, one a minute from <paramref name="from"/> (the rollups follow by trigger).
    /// </summary>
    public Task AddNavPointsAsync(string tenant, DateTimeOffset from, int count) =>
        Database.ExecuteAsync(
            $"""
            INSERT INTO nav_points (event_id, tenant, series, cell, currency, ts, nav_micros, cash_micros, positions_value_micros, fills_applied)
            SELECT gen_random_uuid(), '{tenant}', 'alpha', '0001', 'USD', '{from:O}'::timestamptz + make_interval(mins => i), i, i, 0, i
            FROM generate_series(0, {count - 1}) i
            """
        );

    public Task AddLlmCallsAsync(string tenant, DateTimeOffset from, int count) =>
        Database.ExecuteAsync(
            $"""
            INSERT INTO llm_calls (event_id, tenant, series, ts, model, input_tokens, output_tokens, cost_micros, currency, latency_ms, flagged,
                                   prompt_sha256, response_sha256, prompt)
            SELECT gen_random_uuid(), '{tenant}', 'assistant', '{from:O}'::timestamptz + make_interval(mins => i), 'm', 1, 1, 10, 'USD', 5, false,
                   '\x00', '\x00', 'hello ' || i
            FROM generate_series(0, {count - 1}) i
            """
        );

    public Task AddRecentEventsAsync(string tenant, DateTimeOffset from, int count) =>
        Database.ExecuteAsync(
            $"""
            INSERT INTO recent_events (event_id, tenant, type, ts, series, model)
            SELECT gen_random_uuid(), '{tenant}', 'runtime.llm_call', '{from:O}'::timestamptz + make_interval(mins => i), 'assistant', 'm'
            FROM generate_series(0, {count - 1}) i
            """
        );

    public Task AddDeduplicatedDeliveriesAsync(string tenant, DateTimeOffset from, int count) =>
        Database.ExecuteAsync(
            $"""
            INSERT INTO deduplicated_deliveries (consumer, source_topic, source_partition, source_offset, tenant, event_id, series, ts)
            SELECT 'usage-aggregator', gen_random_uuid()::text, 0, i, '{tenant}', gen_random_uuid(), 'assistant',
                   '{from:O}'::timestamptz + make_interval(mins => i)
            FROM generate_series(0, {count - 1}) i
            """
        );

    public Task AddProcessedEventsAsync(DateTimeOffset at, int count) =>
        Database.ExecuteAsync(
            $"""
            INSERT INTO processed_events (consumer, event_id, payload_sha256, processed_at)
            SELECT 'nav-processor', gen_random_uuid(), '\x00', '{at:O}'::timestamptz FROM generate_series(1, {count})
            """
        );

    public Task<long> CountAsync(string table, string tenant, DateTimeOffset before, string column = "ts") =>
        Database.CountAsync(table, $"tenant = '{tenant}' AND {column} < '{before:O}'");

    public async Task<string> DeletedAsync(ConsumedRecord sweep)
    {
        var id = EventEnvelope.Parser.ParseFrom(sweep.Value).EventId;
        return await Database.ScalarAsync<string>(
            $"SELECT deleted::text FROM retention_sweeps WHERE sweep_id = '{id}'"
        );
    }

    /// <summary>The details of every retention.swept entry in the tenant's audit chain, in order.</summary>
    public async Task<List<JsonElement>> SweepAuditsAsync(string tenant)
    {
        await using var command = Database.DataSource.CreateCommand(
            $"SELECT details::text FROM audit_entries WHERE tenant = '{tenant}' AND action = "
                + "'retention.swept' ORDER BY sequence"
        );
        var entries = new List<JsonElement>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            entries.Add(JsonDocument.Parse(reader.GetString(0)).RootElement.Clone());
        return entries;
    }

    public List<DeadLetter> ReadDeadLetters(int expected) =>
        TopicReader
            .ReadAll(Kafka, DeadLetterWriter.Topic, expected, TimeSpan.FromSeconds(20))
            .Select(r => DeadLetter.Parser.ParseFrom(EventEnvelope.Parser.ParseFrom(r.Message.Value).Payload))
            .ToList();

    public async ValueTask DisposeAsync()
    {
        Producer.Dispose();
        await Database.DisposeAsync();
    }

    private sealed class StoppingSweeper(
        int chunks,
        Npgsql.NpgsqlDataSource database,
        RetentionPolicyStore policies,
        ArchivePruner pruner,
        RetentionAudit audit,
        DeadLetterWriter deadLetters,
        TimeProvider time
    )
        : RetentionSweeper(
            database,
            TopicCatalog.Embedded,
            policies,
            pruner,
            audit,
            deadLetters,
            time,
            NullLogger<RetentionSweeper>.Instance
        )
    {
        private int _left = chunks;

        protected override Task ChunkDeletedAsync(string store, long rows, CancellationToken cancellationToken) =>
            --_left == 0 ? throw new IOException($"process killed after a chunk of {store}") : Task.CompletedTask;
    }
}
