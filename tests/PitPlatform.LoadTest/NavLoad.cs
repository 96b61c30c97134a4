using System.Diagnostics;
using Google.Protobuf;
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
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Processing.Nav;

/// <summary>
/// ./pit load nav [fills]: the NAV processor end to end (consume, state and idempotency rows in Postgres, NAV
/// updates produced, offsets committed) beside the raw limit (binary COPY of the same number of idempotency rows into
/// a staging table and one merge); then two kinds of duplicate-only replay: the same records read again from offset 0
/// (skipped by the consumer watermarks) and the same fills produced again at new offsets (found by event_id).
/// CPU time per fill, of this process and of Postgres, shows where the cost lies even on a busy machine. An unmeasured
/// warm-up over other cells comes first, and every measured phase starts after a full GC, so what is measured is the
/// processor's steady state rather than the JIT or the loader's garbage.
/// </summary>
internal static class NavLoad
{
    public static async Task<int> RunAsync(PitLocalHost host, int fills)
    {
        var kafka = host.Services.GetRequiredService<KafkaSettings>();
        var database = host.Services.GetRequiredService<NpgsqlDataSource>();
        // The processor as both hosts run it: inside its guard (failure classification costs one try per batch).
        var processor = host.Services.GetRequiredService<ConsumerGuard<NavProcessor>>();
        // The loader stands in for the ingest path, with longer message sets than the default linger makes: the mock
        // broker answers a fetch with one message set per partition (a real broker fills the fetch), so small sets
        // would throttle every phase to the mock's round trips rather than the processor's work.
        using var producer = new EnvelopeProducer(
            kafka,
            TopicCatalog.Embedded,
            "pit-load",
            new EnvelopeProducerOptions { Linger = TimeSpan.FromMilliseconds(50) }
        );
        var builder = new EnvelopeBuilder(TopicCatalog.Embedded, "load/1.0");

        // Steady state is what the targets are about: a first pass over other cells JIT-compiles the processor's code
        // (once, fully optimised: the load test runs without tiered compilation) and fills the connection pools.
        var warmUp = Math.Min(20_000, Math.Max(1_000, fills / 10));
        await LoadAsync(producer, Fills(builder, warmUp, "navwarm"));
        var options = host.Services.GetRequiredService<ConsumerLoopOptions>();
        var cpu = new CpuMeter(new NpgsqlConnectionStringBuilder(database.ConnectionString).Port);
        var warm = await ProcessAllAsync(
            processor,
            kafka,
            options,
            database,
            cpu,
            "nav-processor",
            warmUp,
            applied: warmUp
        );
        Console.WriteLine($"0. warm-up (not measured): {warmUp:N0} fills over other cells at {warm.Rate:N0} fills/s");

        // Kept serialised only: parsed, the fills would be millions of objects that the measured phase's GCs promote.
        var envelopes = Fills(builder, fills, "navload");
        await LoadAsync(producer, envelopes);
        Console.WriteLine($"{fills:N0} fills over 1,000 cells are in {NavProcessor.InputTopic}");

        var before = cpu.Read();
        var raw = await RawCopyAndMergeAsync(database, envelopes);
        Console.WriteLine(
            $"1. raw limit: binary COPY + merge of {fills:N0} idempotency rows: {raw:N0} rows/s; "
                + $"{CpuPerThousand(cpu, before, fills)}"
        );

        var first = await ProcessAllAsync(
            processor,
            kafka,
            options,
            database,
            cpu,
            "nav-processor",
            fills,
            applied: warmUp + fills
        );
        Console.WriteLine(
            $"2. NAV processor, new fills: {first.Rate:N0} fills/s = {100.0 * first.Rate / raw:F0}% of the "
                + "raw limit (target 30,000), "
                + $"batches of {first.AverageBatch:N0}; {CpuPerThousand(cpu, first.CpuAtStart, fills)}; {first.Gc}"
        );

        // A reset group reads the warm-up's records too.
        var replay = await ProcessAllAsync(
            processor,
            kafka,
            options,
            database,
            cpu,
            "nav-replay",
            warmUp + fills,
            applied: warmUp + fills
        );
        Console.WriteLine(
            $"3. the same records replayed from offset 0 (a reset group): {replay.Rate:N0} fills/s (target "
                + $"100,000); {CpuPerThousand(cpu, replay.CpuAtStart, warmUp + fills)}"
        );

        await LoadAsync(producer, envelopes);
        var again = await ProcessAllAsync(
            processor,
            kafka,
            options,
            database,
            cpu,
            "nav-processor",
            fills,
            applied: warmUp + fills
        );
        Console.WriteLine(
            $"4. the same fills produced again at new offsets (all duplicates by event_id): {again.Rate:N0} "
                + $"fills/s (target 100,000); {CpuPerThousand(cpu, again.CpuAtStart, fills)}"
        );
        return 0;
    }

    /// <summary>
    /// The new-fills phase alone, on a fresh host (./pit load nav telemetry, TelemetryCostLoad.cs): the same warm-up
    /// and measured pass as phase 2 of <see cref="RunAsync"/>, with every fill carrying a trace context of its own
    /// (sampled), as ingest writes them while tracing is on, so a traced processor continues one trace per fill.
    /// </summary>
    internal static async Task<(double Rate, double AverageBatch, string Cpu)> NewFillsAsync(
        PitLocalHost host,
        int fills
    )
    {
        var kafka = host.Services.GetRequiredService<KafkaSettings>();
        var database = host.Services.GetRequiredService<NpgsqlDataSource>();
        var processor = host.Services.GetRequiredService<ConsumerGuard<NavProcessor>>();
        using var producer = new EnvelopeProducer(
            kafka,
            TopicCatalog.Embedded,
            "pit-load",
            new EnvelopeProducerOptions { Linger = TimeSpan.FromMilliseconds(50) }
        );
        var builder = new EnvelopeBuilder(TopicCatalog.Embedded, "load/1.0");
        var warmUp = WarmUp(fills);
        await LoadAsync(producer, Fills(builder, warmUp, "navwarm", traced: true));
        var options = host.Services.GetRequiredService<ConsumerLoopOptions>();
        var cpu = new CpuMeter(new NpgsqlConnectionStringBuilder(database.ConnectionString).Port);
        await ProcessAllAsync(processor, kafka, options, database, cpu, "nav-processor", warmUp, applied: warmUp);
        var envelopes = Fills(builder, fills, "navload", traced: true);
        await LoadAsync(producer, envelopes);
        var first = await ProcessAllAsync(
            processor,
            kafka,
            options,
            database,
            cpu,
            "nav-processor",
            fills,
            applied: warmUp + fills
        );
        return (first.Rate, first.AverageBatch, CpuPerThousand(cpu, first.CpuAtStart, fills));
    }

    /// <summary>The unmeasured warm-up's fills for a run of <paramref name="fills"/>.</summary>
    internal static int WarmUp(int fills) => Math.Min(20_000, Math.Max(1_000, fills / 10));

    private static List<byte[]> Fills(EnvelopeBuilder builder, int count, string series, bool traced = false) =>
        Enumerable
            .Range(0, count)
            .Select(i =>
                builder
                    .Build(
                        Guid.CreateVersion7(),
                        DateTimeOffset.UtcNow,
                        NavProcessor.InputTopic,
                        CanonicalKey.ForCell("demo", series, $"c{i % 1000}"),
                        new TradeFillEvent
                        {
                            Instrument = $"I{i % 7}",
                            Side = i % 3 == 0 ? TradeSide.Sell : TradeSide.Buy,
                            Quantity = 1 + i % 10,
                            PriceMicros = 1_000_000 + i % 500,
                            Currency = "USD",
                        },
                        traced
                            ? $"00-{ActivityTraceId.CreateRandom().ToHexString()}-"
                                + $"{ActivitySpanId.CreateRandom().ToHexString()}-01"
                            : null
                    )
                    .ToByteArray()
            )
            .ToList();

    private static async Task LoadAsync(EnvelopeProducer producer, List<byte[]> serialized)
    {
        foreach (var chunk in serialized.Chunk(10_000))
        {
            var envelopes = chunk.Select(EventEnvelope.Parser.ParseFrom).ToList();
            if ((await producer.ProduceBatchAsync(envelopes, chunk)).Any(o => !o.IsStored))
                throw new InvalidOperationException("could not load the fills into Kafka");
        }
    }

    private static string CpuPerThousand(
        CpuMeter cpu,
        (double DotnetMs, double PostgresMs, long AllocatedBytes) before,
        int fills
    )
    {
        var after = cpu.Read();
        return $"CPU per 1,000 fills: {1000 * (after.DotnetMs - before.DotnetMs) / fills:F1} ms .NET (host, broker, "
            + $"loader), {1000 * (after.PostgresMs - before.PostgresMs) / fills:F1} ms Postgres; "
            + $"{(after.AllocatedBytes - before.AllocatedBytes) / fills:N0} bytes allocated per fill";
    }

    /// <returns>The rate and batch size once the group settled, and the CPU reading taken then (the batches refused
    /// while it settled are fetched again and again; that is not the processor's cost).</returns>
    private static async Task<(
        double Rate,
        double AverageBatch,
        (double DotnetMs, double PostgresMs, long AllocatedBytes) CpuAtStart,
        string Gc
    )> ProcessAllAsync(
        IRecordBatchHandler processor,
        KafkaSettings kafka,
        ConsumerLoopOptions options,
        NpgsqlDataSource database,
        CpuMeter cpu,
        string group,
        int fills,
        long applied
    )
    {
        var counting = new CountingHandler(processor, group);
        // Two consumers share the group's partitions, as two Function instances would (PIT_CONSUMER_INSTANCES changes
        // it).
        var instances = new ConsumerInstances(
            Environment.GetEnvironmentVariable(ConsumerInstances.Setting) ?? $"{NavProcessor.Group}=2"
        ).For(NavProcessor.Group);
        // Until every consumer holds its partitions the handler turns batches away and the loop retries them soon:
        // the mock cluster can take nine seconds to settle a group (a follower's SyncGroup that arrives after the
        // leader's is refused, and the rejoin waits out session.timeout.ms - 1 s), which is not processing time.
        var gated = options with
        {
            FirstRetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        };
        var loops = Enumerable
            .Range(0, instances)
            .Select(_ => new KafkaConsumerLoop(counting, kafka, gated, NullLogger.Instance))
            .ToList();
        foreach (var loop in loops)
            loop.Start();
        var settling = Stopwatch.StartNew();
        await Task.WhenAll(loops.Select(l => l.Assigned)).WaitAsync(TimeSpan.FromSeconds(60));
        if (settling.Elapsed > TimeSpan.FromSeconds(5))
            Console.WriteLine($"   (the consumer group took {settling.Elapsed.TotalSeconds:F1} s to settle)");
        // What loading left behind is collected now, not by the measured phase's first GCs.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var cpuAtStart = cpu.Read();
        var (gen0, gen1, gen2, paused) = (
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            GC.GetTotalPauseDuration()
        );
        counting.Open();
        while (counting.Handled < fills)
            await Task.Delay(5);
        // A record handled twice (redelivered after a rebalance or a close) counts once, but may be an earlier phase's:
        // the phase is over when Postgres holds every fill.
        await using var command = database.CreateCommand(
            "SELECT count(*) FROM processed_events WHERE consumer = 'nav-processor'"
        );
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        for (
            var rows = (long)(await command.ExecuteScalarAsync())!;
            rows < applied;
            rows = (long)(await command.ExecuteScalarAsync())!
        )
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException(
                    $"{rows} fills applied a minute after {counting.Handled} records were handled; expected {applied}"
                );
            await Task.Delay(5);
        }
        foreach (var loop in loops)
            await loop.DisposeAsync();
        var elapsed = counting.Elapsed;
        var gc =
            $"GC: {GC.CollectionCount(0) - gen0} gen0, {GC.CollectionCount(1) - gen1} gen1, "
            + $"{GC.CollectionCount(2) - gen2} gen2 collections, "
            + $"paused {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:N0} ms";
        var total = (long)(await command.ExecuteScalarAsync())!;
        if (total != applied)
            throw new InvalidOperationException($"{total} fills applied, expected {applied}");
        return (fills / elapsed.TotalSeconds, counting.AverageBatch, cpuAtStart, gc);
    }

    private static async Task<double> RawCopyAndMergeAsync(NpgsqlDataSource database, IReadOnlyList<byte[]> envelopes)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using (
            var create = new NpgsqlCommand(
                "CREATE TABLE IF NOT EXISTS raw_limit_events (LIKE processed_events INCLUDING ALL)",
                connection
            )
        )
            await create.ExecuteNonQueryAsync();
        // Rows shaped like the processor's: every column of processed_events, an envelope-sized output.
        var rows = envelopes
            .Select(
                (bytes, i) =>
                {
                    var envelope = EventEnvelope.Parser.ParseFrom(bytes);
                    return (
                        Id: Guid.Parse(envelope.EventId),
                        Sha: envelope.PayloadSha256.ToByteArray(),
                        Output: bytes,
                        Offset: (long)i
                    );
                }
            )
            .ToList();
        var watch = Stopwatch.StartNew();
        await using var tx = await connection.BeginTransactionAsync();
        await using (
            var stage = new NpgsqlCommand(
                "CREATE TEMP TABLE raw_stage (LIKE processed_events INCLUDING DEFAULTS) ON COMMIT DROP",
                connection,
                tx
            )
        )
            await stage.ExecuteNonQueryAsync();
        await using (
            var writer = await connection.BeginBinaryImportAsync(
                "COPY raw_stage (consumer, event_id, payload_sha256, output, source_topic, source_partition, "
                    + "source_offset) FROM STDIN (FORMAT BINARY)"
            )
        )
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
        await using (
            var merge = new NpgsqlCommand(
                "INSERT INTO raw_limit_events SELECT * FROM raw_stage ON CONFLICT DO NOTHING",
                connection,
                tx
            )
        )
            await merge.ExecuteNonQueryAsync();
        await tx.CommitAsync();
        return envelopes.Count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The real processor under another group name (so a second pass re-reads everything), counting records and time.
    /// </summary>
    private sealed class CountingHandler(IRecordBatchHandler inner, string group) : IRecordBatchHandler
    {
        private long _handled;
        private long _records;
        private long _batches;

        // Per partition, the highest offset handled: a record a rebalance hands to a second member counts once.
        private readonly Dictionary<int, long> _through = [];
        public double AverageBatch =>
            (double)Interlocked.Read(ref _records) / Math.Max(1, Interlocked.Read(ref _batches));
        private long _firstTimestamp;
        private long _lastTimestamp;

        /// <summary>Distinct records handled.</summary>
        public long Handled => Interlocked.Read(ref _handled);
        public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_firstTimestamp, _lastTimestamp);
        public string ConsumerGroup => group;
        public IReadOnlyList<string> Topics => inner.Topics;

        private volatile bool _open;

        /// <summary>From now on batches are processed (before, they are refused and retried).</summary>
        public void Open() => _open = true;

        public async Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
        {
            if (!_open)
                throw new InvalidOperationException("the consumer group is still forming");
            Interlocked.CompareExchange(ref _firstTimestamp, Stopwatch.GetTimestamp(), 0);
            await inner.HandleAsync(batch, cancellationToken);
            var now = Stopwatch.GetTimestamp();
            for (
                var last = Interlocked.Read(ref _lastTimestamp);
                last < now;
                last = Interlocked.Read(ref _lastTimestamp)
            )
                if (Interlocked.CompareExchange(ref _lastTimestamp, now, last) == last)
                    break;
            var fresh = 0;
            lock (_through)
            {
                foreach (var record in batch)
                {
                    if (_through.TryGetValue(record.Partition, out var high) && record.Offset <= high)
                        continue;
                    _through[record.Partition] = record.Offset;
                    fresh++;
                }
            }
            Interlocked.Add(ref _handled, fresh);
            Interlocked.Add(ref _records, batch.Count);
            Interlocked.Increment(ref _batches);
        }
    }
}
