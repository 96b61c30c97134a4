using Google.Protobuf;
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

        var first = await ProcessAllAsync(processor, kafka, options, database, cpu, "nav-processor", fills);
        Console.WriteLine($"2. NAV processor, new fills: {first.Rate:N0} fills/s = {100.0 * first.Rate / raw:F0}% of the raw limit (target 30,000), "
            + $"batches of {first.AverageBatch:N0}; {CpuPerThousand(cpu, first.CpuAtStart, fills)}");

        var replay = await ProcessAllAsync(processor, kafka, options, database, cpu, "nav-replay", fills);
        Console.WriteLine($"3. the same records replayed from offset 0 (a reset group): {replay.Rate:N0} fills/s (target 100,000); {CpuPerThousand(cpu, replay.CpuAtStart, fills)}");

        foreach (var chunk in envelopes.Chunk(10_000))
            if ((await producer.ProduceBatchAsync(chunk)).Any(o => !o.IsStored)) throw new InvalidOperationException("could not load the fills into Kafka");
        var again = await ProcessAllAsync(processor, kafka, options, database, cpu, "nav-processor", fills);
        Console.WriteLine($"4. the same fills produced again at new offsets (all duplicates by event_id): {again.Rate:N0} fills/s (target 100,000); {CpuPerThousand(cpu, again.CpuAtStart, fills)}");
        return 0;
    }

    private static string CpuPerThousand(CpuMeter cpu, (double DotnetMs, double PostgresMs, long AllocatedBytes) before, int fills)
    {
        var after = cpu.Read();
        return $"CPU per 1,000 fills: {1000 * (after.DotnetMs - before.DotnetMs) / fills:F1} ms .NET (host, broker, loader), {1000 * (after.PostgresMs - before.PostgresMs) / fills:F1} ms Postgres; "
            + $"{(after.AllocatedBytes - before.AllocatedBytes) / fills:N0} bytes allocated per fill";
    }

    /// <returns>The rate and batch size once the group settled, and the CPU reading taken then (the batches refused
    /// while it settled are fetched again and again; that is not the processor's cost).</returns>
    private static async Task<(double Rate, double AverageBatch, (double DotnetMs, double PostgresMs, long AllocatedBytes) CpuAtStart)> ProcessAllAsync(
        NavProcessor processor, KafkaSettings kafka, ConsumerLoopOptions options, NpgsqlDataSource database, CpuMeter cpu, string group, int fills)
    {
        var counting = new CountingHandler(processor, group);
        // Two consumers share the group's partitions, as two Function instances would (PIT_CONSUMER_INSTANCES changes it).
        var instances = new ConsumerInstances(Environment.GetEnvironmentVariable(ConsumerInstances.Setting) ?? $"{NavProcessor.Group}=2").For(NavProcessor.Group);
        // Until every consumer holds its partitions the handler turns batches away and the loop retries them soon:
        // the mock cluster can take nine seconds to settle a group (a follower's SyncGroup that arrives after the
        // leader's is refused, and the rejoin waits out session.timeout.ms - 1 s), which is not processing time.
        var gated = options with { FirstRetryDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromMilliseconds(200) };
        var loops = Enumerable.Range(0, instances).Select(_ => new KafkaConsumerLoop(counting, kafka, gated, NullLogger.Instance)).ToList();
        foreach (var loop in loops) loop.Start();
        var settling = Stopwatch.StartNew();
        await Task.WhenAll(loops.Select(l => l.Assigned)).WaitAsync(TimeSpan.FromSeconds(60));
        if (settling.Elapsed > TimeSpan.FromSeconds(5)) Console.WriteLine($"   (the consumer group took {settling.Elapsed.TotalSeconds:F1} s to settle)");
        var cpuAtStart = cpu.Read();
        counting.Open();
        while (counting.Handled < fills) await Task.Delay(5);
        foreach (var loop in loops) await loop.DisposeAsync();
        var elapsed = counting.Elapsed;
        await using var command = database.CreateCommand("SELECT count(*) FROM processed_events WHERE consumer = 'nav-processor'");
        var applied = (long)(await command.ExecuteScalarAsync())!;
        if (applied != fills) throw new InvalidOperationException($"{applied} fills applied, expected {fills}");
        return (fills / elapsed.TotalSeconds, counting.AverageBatch, cpuAtStart);
    }

    private static async Task<double> RawCopyAndMergeAsync(NpgsqlDataSource database, IReadOnlyList<EventEnvelope> envelopes)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using (var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS raw_limit_events (LIKE processed_events INCLUDING ALL)", connection)) await create.ExecuteNonQueryAsync();
        // Rows shaped like the processor's: every column of processed_events, an envelope-sized output.
        var rows = envelopes.Select((e, i) => (Id: Guid.Parse(e.EventId), Sha: e.PayloadSha256.ToByteArray(), Output: e.ToByteArray(), Offset: (long)i)).ToList();
        var watch = Stopwatch.StartNew();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var stage = new NpgsqlCommand("CREATE TEMP TABLE raw_stage (LIKE processed_events INCLUDING DEFAULTS) ON COMMIT DROP", connection, tx)) await stage.ExecuteNonQueryAsync();
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY raw_stage (consumer, event_id, payload_sha256, output, source_topic, source_partition, source_offset) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var row in rows)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync("raw", NpgsqlDbType.Text);
                await writer.WriteAsync(row.Id, NpgsqlDbType.Uuid);
                await writer.WriteAsync(row.Sha, NpgsqlDbType.Bytea);
                await writer.WriteAsync(row.Output, NpgsqlDbType.Bytea);
                await writer.WriteAsync(NavProcessor.InputTopic, NpgsqlDbType.Text);
                await writer.WriteAsync(0, NpgsqlDbType.Integer);
                await writer.WriteAsync(row.Offset, NpgsqlDbType.Bigint);
            }
            await writer.CompleteAsync();
        }
        await using (var merge = new NpgsqlCommand(
            "INSERT INTO raw_limit_events SELECT * FROM raw_stage ON CONFLICT DO NOTHING", connection, tx))
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

        private volatile bool _open;

        /// <summary>From now on batches are processed (before, they are refused and retried).</summary>
        public void Open() => _open = true;

        public async Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
        {
            if (!_open) throw new InvalidOperationException("the consumer group is still forming");
            Interlocked.CompareExchange(ref _firstTimestamp, Stopwatch.GetTimestamp(), 0);
            await inner.HandleAsync(batch, cancellationToken);
            var now = Stopwatch.GetTimestamp();
            for (var last = Interlocked.Read(ref _lastTimestamp); last < now; last = Interlocked.Read(ref _lastTimestamp))
                if (Interlocked.CompareExchange(ref _lastTimestamp, now, last) == last) break;
            Interlocked.Add(ref _handled, batch.Count);
            Interlocked.Increment(ref _batches);
        }
    }
}
