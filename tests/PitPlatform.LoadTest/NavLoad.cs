using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Keys;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.LocalHost;
using PitPlatform.Processing.Nav;

/// <summary>
/// ./pit load nav [fills]: the NAV processor end to end (consume, state and idempotency rows in Postgres, NAV
/// updates produced, offsets committed) beside the raw limit (binary COPY of the same number of idempotency rows into
/// a staging table and one merge); then two kinds of duplicate-only replay: the same records read again from offset 0
/// (skipped by the consumer watermarks) and the same fills produced again at new offsets (found by event_id).
/// CPU time per fill, of this process and of Postgres, shows where the cost lies even on a busy machine.
/// </summary>
internal static class NavLoad
{
    public static async Task<int> RunAsync(PitLocalHost host, int fills)
    {
        var kafka = host.Services.GetRequiredService<KafkaSettings>();
        var database = host.Services.GetRequiredService<NpgsqlDataSource>();
        var processor = host.Services.GetRequiredService<NavProcessor>();
        var producer = host.Services.GetRequiredService<EnvelopeProducer>();
        var builder = new EnvelopeBuilder(TopicCatalog.Embedded, "load/1.0");

        var envelopes = Enumerable.Range(0, fills).Select(i => builder.Build(Guid.CreateVersion7(), DateTimeOffset.UtcNow, NavProcessor.InputTopic,
            CanonicalKey.ForCell("demo", "navload", $"c{i % 1000}"),
            new TradeFillEvent { Instrument = $"I{i % 7}", Side = i % 3 == 0 ? TradeSide.Sell : TradeSide.Buy, Quantity = 1 + i % 10, PriceMicros = 1_000_000 + i % 500, Currency = "USD" })).ToList();
        foreach (var chunk in envelopes.Chunk(10_000))
        {
            var outcomes = await producer.ProduceBatchAsync(chunk);
            if (outcomes.Any(o => !o.IsStored)) throw new InvalidOperationException("could not load the fills into Kafka");
        }
        Console.WriteLine($"{fills:N0} fills over 1,000 cells are in {NavProcessor.InputTopic}");

        var cpu = new CpuMeter(new NpgsqlConnectionStringBuilder(database.ConnectionString).Port);
        var options = host.Services.GetRequiredService<ConsumerLoopOptions>();
        var before = cpu.Read();
        var raw = await RawCopyAndMergeAsync(database, envelopes);
        Console.WriteLine($"1. raw limit: binary COPY + merge of {fills:N0} idempotency rows: {raw:N0} rows/s; {CpuPerThousand(cpu, before, fills)}");

        if (Environment.GetEnvironmentVariable("XPG_OPTS") is not null) { await using var c0 = database.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()"); await c0.ExecuteNonQueryAsync(); }
        before = cpu.Read();
        var first = await ProcessAllAsync(processor, kafka, options, database, "nav-processor", fills);
        Console.WriteLine($"2. NAV processor, new fills: {first.Rate:N0} fills/s = {100.0 * first.Rate / raw:F0}% of the raw limit (target 30,000), "
            + $"batches of {first.AverageBatch:N0}; {CpuPerThousand(cpu, before, fills)}");

        if (Environment.GetEnvironmentVariable("XPG_OPTS") is not null)
        {
            await using var c1 = database.CreateCommand("SELECT round(total_exec_time)::bigint, calls, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 14");
            await using var r = await c1.ExecuteReaderAsync();
            while (await r.ReadAsync()) Console.WriteLine($"  {r.GetInt64(0),7} ms {r.GetInt64(1),6} calls {r.GetInt64(2),8} rows  {r.GetString(3)}");
            await r.DisposeAsync();
            await using var c2 = database.CreateCommand("""
            EXPLAIN (ANALYZE, BUFFERS) SELECT p.event_id, p.payload_sha256,
                   CASE WHEN w.handled_through IS NULL OR p.source_offset IS NULL OR p.source_offset > w.handled_through
                        THEN p.output END
            FROM unnest($2::uuid[]) AS k(event_id)
            CROSS JOIN LATERAL (
                SELECT * FROM processed_events e WHERE e.consumer = $1 AND e.event_id = k.event_id LIMIT 1) p
            LEFT JOIN consumer_watermarks w
              ON w.consumer = p.consumer AND w.topic = p.source_topic AND w.partition = p.source_partition
            """);
            c2.Parameters.Add(new() { Value = "nav-processor" });
            c2.Parameters.Add(new() { Value = Enumerable.Range(0, 1250).Select(_ => Guid.CreateVersion7()).ToArray() });
            await using var r2 = await c2.ExecuteReaderAsync();
            while (await r2.ReadAsync()) Console.WriteLine("  plan: " + r2.GetString(0)[..Math.Min(200, r2.GetString(0).Length)]);
        }
        before = cpu.Read();
        var replay = await ProcessAllAsync(processor, kafka, options, database, "nav-replay", fills);
        Console.WriteLine($"3. the same records replayed from offset 0 (a reset group): {replay.Rate:N0} fills/s (target 100,000); {CpuPerThousand(cpu, before, fills)}");

        foreach (var chunk in envelopes.Chunk(10_000))
            if ((await producer.ProduceBatchAsync(chunk)).Any(o => !o.IsStored)) throw new InvalidOperationException("could not load the fills into Kafka");
        before = cpu.Read();
        var again = await ProcessAllAsync(processor, kafka, options, database, "nav-processor", fills);
        Console.WriteLine($"4. the same fills produced again at new offsets (all duplicates by event_id): {again.Rate:N0} fills/s (target 100,000); {CpuPerThousand(cpu, before, fills)}");
        return 0;
    }

    private static string CpuPerThousand(CpuMeter cpu, (double DotnetMs, double PostgresMs) before, int fills)
    {
        var after = cpu.Read();
        return $"CPU per 1,000 fills: {1000 * (after.DotnetMs - before.DotnetMs) / fills:F1} ms .NET (host, broker, loader), {1000 * (after.PostgresMs - before.PostgresMs) / fills:F1} ms Postgres";
    }

    private static async Task<(double Rate, double AverageBatch)> ProcessAllAsync(
        NavProcessor processor, KafkaSettings kafka, ConsumerLoopOptions options, NpgsqlDataSource database, string group, int fills)
    {
        var counting = new CountingHandler(processor, group);
        var instances = int.Parse(Environment.GetEnvironmentVariable("NAV_LOOPS") ?? "1");
        var loops = Enumerable.Range(0, instances).Select(_ => new KafkaConsumerLoop(counting, kafka, options, NullLogger.Instance)).ToList();
        foreach (var loop in loops) loop.Start();
        await Task.WhenAll(loops.Select(l => l.Assigned)).WaitAsync(TimeSpan.FromSeconds(60));
        while (counting.Handled < fills) await Task.Delay(5);
        foreach (var loop in loops) await loop.DisposeAsync();
        var elapsed = counting.Elapsed;
        await using var command = database.CreateCommand("SELECT count(*) FROM processed_events WHERE consumer = 'nav-processor'");
        var applied = (long)(await command.ExecuteScalarAsync())!;
        if (applied != fills) throw new InvalidOperationException($"{applied} fills applied, expected {fills}");
        return (fills / elapsed.TotalSeconds, counting.AverageBatch);
    }

    private static async Task<double> RawCopyAndMergeAsync(NpgsqlDataSource database, IReadOnlyList<EventEnvelope> envelopes)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using (var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS raw_limit_events (LIKE processed_events INCLUDING ALL)", connection)) await create.ExecuteNonQueryAsync();
        var watch = Stopwatch.StartNew();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var stage = new NpgsqlCommand("CREATE TEMP TABLE raw_stage (event_id uuid, payload_sha256 bytea, output bytea) ON COMMIT DROP", connection, tx)) await stage.ExecuteNonQueryAsync();
        await using (var writer = await connection.BeginBinaryImportAsync("COPY raw_stage (event_id, payload_sha256, output) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var envelope in envelopes)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(Guid.Parse(envelope.EventId), NpgsqlDbType.Uuid);
                await writer.WriteAsync(envelope.PayloadSha256.ToByteArray(), NpgsqlDbType.Bytea);
                await writer.WriteAsync(envelope.Payload.ToByteArray(), NpgsqlDbType.Bytea);
            }
            await writer.CompleteAsync();
        }
        await using (var merge = new NpgsqlCommand(
            "INSERT INTO raw_limit_events (consumer, event_id, payload_sha256, output) SELECT 'raw', event_id, payload_sha256, output FROM raw_stage ON CONFLICT DO NOTHING", connection, tx))
            await merge.ExecuteNonQueryAsync();
        await tx.CommitAsync();
        return envelopes.Count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>The real processor under another group name (so a second pass re-reads everything), counting records and time.</summary>
    private sealed class CountingHandler(NavProcessor inner, string group) : IRecordBatchHandler
    {
        private long _handled;
        private long _batches;
        public double AverageBatch => (double)Handled / Math.Max(1, Interlocked.Read(ref _batches));
        private long _firstTimestamp;
        private long _lastTimestamp;
        public long Handled => Interlocked.Read(ref _handled);
        public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_firstTimestamp, _lastTimestamp);
        public string ConsumerGroup => group;
        public IReadOnlyList<string> Topics => inner.Topics;

        public async Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
        {
            if (_firstTimestamp == 0) _firstTimestamp = Stopwatch.GetTimestamp();
            await inner.HandleAsync(batch, cancellationToken);
            _lastTimestamp = Stopwatch.GetTimestamp();
            Interlocked.Add(ref _handled, batch.Count);
            Interlocked.Increment(ref _batches);
        }
    }
}
