using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PitPlatform.Contracts;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.LocalHost;

/// <summary>
/// ./pit load visibility [seconds]: with every consumer running, trade fills are posted at 1,000/s (batches of 10 every
/// 10 ms); 20 times a second one of them goes to a cell of its own, and the time from its 202 to its NAV point being
/// returned by GET /v1/series/{series}/nav (polled every 2 ms) is recorded, after 3 seconds of the same load
/// unmeasured. Beside it, the floor on the same machine: two bare Kafka produce-to-consume hops (fill, then NAV update;
/// same fetch settings as the host's consumers) and one Postgres insert-then-select.
/// </summary>
internal static class VisibilityLoad
{
    private const string Series = "latency";

    // The bare clients' own topics: no consumer of the host reads them, so their records add no work to the pipeline
    // measured beside them (catalog topics would be archived or dead-lettered).
    private const string AcksTopic = "bench.acks";
    private const string HopTopic = "bench.hop";

    /// <summary>
    /// The embedded cluster takes no CreateTopics request (it has no controller): topics are made natively.
    /// </summary>
    private static void CreateBenchTopics(PitLocalHost host, KafkaSettings kafka)
    {
        var cluster = host.Environment.EmbeddedKafka
            ?? throw new InvalidOperationException(
                "./pit load visibility measures the embedded cluster; unset PIT_KAFKA_BOOTSTRAP"
            );
        Console.WriteLine(
            $"0. embedded Kafka: {cluster.BrokerCount} broker(s) ({LocalHostOptions.EmbeddedKafkaBrokersSetting})"
        );
        cluster.CreateTopic(kafka.Prefix + AcksTopic, partitions: 4);
        cluster.CreateTopic(kafka.Prefix + HopTopic, partitions: 1);
    }

    public static async Task<int> RunAsync(PitLocalHost host, int seconds)
    {
        var kafka = host.Services.GetRequiredService<KafkaSettings>();
        var database = host.Services.GetRequiredService<NpgsqlDataSource>();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 })
        {
            BaseAddress = host.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.DevKey.ToString());

        CreateBenchTopics(host, kafka);
        var hop = KafkaHop(kafka, host.Services.GetRequiredService<ConsumerLoopOptions>().FetchWaitMaxMs, 400);
        var sql = await InsertThenSelectAsync(database, 400);
        var floor50 = 2 * hop.P50 + sql.P50;
        var floor99 = 2 * hop.P99 + sql.P99;
        Console.WriteLine(
            $"1. floor: Kafka produce->consume hop p50 {hop.P50:F1} ms, p99 {hop.P99:F1} ms; Postgres "
                + $"insert+select p50 {sql.P50:F1} ms, p99 {sql.P99:F1} ms"
        );
        Console.WriteLine($"   => two hops and a write: p50 {floor50:F1} ms, p99 {floor99:F1} ms");
        using (var idle = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            var idleAcks = AcksWhileRunning(kafka, idle.Token);
            Console.WriteLine(
                "   a bare producer's 18 records over 4 partitions, to the last acknowledgement, before the "
                    + $"load: p50 {idleAcks.P50:F1} ms, p99 {idleAcks.P99:F1} ms"
            );
        }

        // Every consumer holds its partitions before the clock starts: a group that is still rebalancing (a second NAV
        // processor joining) would stall the path for a while, which is start-up, not steady state.
        var loops = host
            .Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>()
            .OfType<ConsumerLoopsService>()
            .SelectMany(s => s.Loops)
            .ToList();
        Console.WriteLine(
            "   consumers: "
                + string.Join(", ", loops.GroupBy(l => l.ConsumerGroup).Select(g => $"{g.Key} x{g.Count()}"))
        );
        await Task.WhenAll(loops.Select(l => l.Assigned)).WaitAsync(TimeSpan.FromSeconds(60));
        await PostAsync(http, Body(0, 10, probeCell: null));
        await WaitVisibleAsync(http, "c0", TimeSpan.FromSeconds(60));
        // Warm-up at the same load, not measured: the first seconds are start-up (JIT tiering, new pooled connections
        // whose Postgres backends load their catalog caches and compile the rollup trigger, statements being prepared),
        // and the target is the steady state's.
        await RunLoadAsync(http, WarmUpSeconds, "w", latencies: null);

        var latencies = new List<double>();
        using var loaded = new CancellationTokenSource();
        var acksUnderLoad = Task.Run(() => AcksWhileRunning(kafka, loaded.Token));
        using var stages = new ConsumerStages();
        var elapsed = await RunLoadAsync(http, seconds, "p", latencies);
        await loaded.CancelAsync();
        var acks = await acksUnderLoad;
        var achieved = seconds * 1000 / elapsed.TotalSeconds;
        var (p50, p99) = Percentiles(latencies);
        Console.WriteLine(
            $"2. 202 -> NAV visible in the query API at {achieved:N0} fills/s ({latencies.Count} probes): "
                + $"p50 {p50:F1} ms, p99 {p99:F1} ms (targets 20 / 100)"
        );
        Console.WriteLine($"   = {p50 / floor50:F1}x the floor at p50, {p99 / floor99:F1}x at p99");
        Console.WriteLine(
            "3. meanwhile, a bare producer's 18 records over 4 partitions, to the last acknowledgement: p50 "
                + $"{acks.P50:F1} ms, p99 {acks.P99:F1} ms"
        );
        Console.WriteLine(
            "4. where the time goes, per consumer group: a batch's oldest record's age when its handler "
                + "starts (since it was produced), and the handler's time"
        );
        foreach (var line in stages.Report())
            Console.WriteLine("   " + line);
        return 0;
    }

    private const int WarmUpSeconds = 3;

    /// <summary>
    /// Posts 10 fills every 10 ms for <paramref name="seconds"/>; every fifth post's first fill goes to a cell of its
    /// own (named with <paramref name="prefix"/>), whose 202-to-visible time is added to <paramref name="latencies"/>.
    /// Returns how long the posting took.
    /// </summary>
    private static async Task<TimeSpan> RunLoadAsync(
        HttpClient http,
        int seconds,
        string prefix,
        List<double>? latencies
    )
    {
        var probes = new List<Task>();
        var watch = Stopwatch.StartNew();
        var ticks = seconds * 100;
        for (var tick = 0; tick < ticks; tick++)
        {
            var wait = TimeSpan.FromMilliseconds(10 * tick) - watch.Elapsed;
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait);
            var probeCell = tick % 5 == 0 ? $"{prefix}{tick}" : null;
            var posting = PostAsync(http, Body(tick, 10, probeCell));
            if (probeCell is not null)
            {
                probes.Add(
                    Task.Run(async () =>
                    {
                        await posting;
                        var accepted = Stopwatch.GetTimestamp();
                        await WaitVisibleAsync(http, probeCell, TimeSpan.FromSeconds(30));
                        if (latencies is not null)
                            lock (latencies)
                                latencies.Add(Stopwatch.GetElapsedTime(accepted).TotalMilliseconds);
                    })
                );
            }
            else
                probes.Add(posting);
        }
        var elapsed = watch.Elapsed;
        await Task.WhenAll(probes);
        return elapsed;
    }

    private static string Body(int tick, int count, string? probeCell) =>
        "{\"data\":["
        + string.Join(
            ",",
            Enumerable
                .Range(0, count)
                .Select(i =>
                    $"{{\"type\":\"exec.trade_fill\",\"event_id\":\"{Guid.NewGuid()}\",\"ts\":\"2026-11-22T09"
                    + $":30:00Z\",\"series\":\"{Series}\","
                    + $"\"cell\":\"{(i == 0 && probeCell is not null ? probeCell : $"c{(tick * count + i) % 50}")}\","
                    + "\"payload\":{\"instrument\":\"ACME\",\"side\":\"buy\",\"quantity\":1,\"price_micros\":12"
                    + "500000,\"currency\":\"USD\",\"fee_micros\":0}}"
                )
        )
        + "]}";

    private static async Task PostAsync(HttpClient http, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/v1/events", content);
        if ((int)response.StatusCode != 202)
            throw new InvalidOperationException(
                $"ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}"
            );
    }

    /// <summary>
    /// Polls every 2 ms for the first 50 ms, then every 10 ms. The polls are load on the host themselves: at a fixed
    /// 2 ms, a slow second multiplied them into thousands of queries per second that fed the very latency being
    /// measured. Past 50 ms the coarser step can only overstate a latency, never understate it.
    /// </summary>
    private static async Task WaitVisibleAsync(HttpClient http, string cell, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var json = await http.GetStringAsync($"/v1/series/{Series}/nav?cell={cell}&limit=1");
            if (json.Contains("\"nav_micros\"", StringComparison.Ordinal))
                return;
            await Task.Delay(Stopwatch.GetElapsedTime(started) < TimeSpan.FromMilliseconds(50) ? 2 : 10);
        }
        throw new TimeoutException($"no NAV point for cell {cell} within {timeout}");
    }

    /// <summary>
    /// Every 10 ms, 18 records over 4 partitions (the shape of a NAV batch's updates at this rate) from a bare producer
    /// with our producer's settings, timed to the last acknowledgement: what the broker itself costs a batch under this
    /// load.
    /// </summary>
    private static (double P50, double P99) AcksWhileRunning(KafkaSettings kafka, CancellationToken stop)
    {
        using var producer = BareProducerOf(kafka, "pit-load-acks");
        for (var i = 0; i < 4; i++)
            producer.Produce(
                new TopicPartition(kafka.Prefix + AcksTopic, i),
                new Message<byte[], byte[]> { Value = new byte[300] }
            );
        producer.Flush(TimeSpan.FromSeconds(10)); // the idempotent producer has its id and the partitions' leaders
        var acks = new List<double>();
        while (!stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            var pending = 18;
            for (var i = 0; i < 18; i++)
                producer.Produce(
                    new TopicPartition(kafka.Prefix + AcksTopic, i % 4),
                    new Message<byte[], byte[]> { Value = new byte[300] },
                    _ =>
                    {
                        if (Interlocked.Decrement(ref pending) == 0)
                            lock (acks)
                                acks.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                );
            stop.WaitHandle.WaitOne(10);
        }
        producer.Flush(TimeSpan.FromSeconds(10));
        return Percentiles(acks);
    }

    /// <summary>
    /// A bare client with the host's own producer settings (gzip level, linger, delivery-report fields), so the floor
    /// cannot drift from them.
    /// </summary>
    private static IProducer<byte[], byte[]> BareProducerOf(KafkaSettings kafka, string clientId) =>
        kafka
            .Configure(
                new ProducerBuilder<byte[], byte[]>(
                    EnvelopeProducer.Configuration(kafka, clientId, EnvelopeProducerOptions.Default)
                )
            )
            .Build();

    /// <summary>
    /// One record produced, then received by a bare consumer already assigned to the topic: one pipeline hop.
    /// </summary>
    private static (double P50, double P99) KafkaHop(KafkaSettings kafka, int? fetchWaitMaxMs, int samples)
    {
        var topic = kafka.Prefix + HopTopic;
        var consumerConfig = new ConsumerConfig
        {
            GroupId = "hop-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            FetchWaitMaxMs = fetchWaitMaxMs,
        };
        kafka.Apply(consumerConfig);
        using var producer = BareProducerOf(kafka, "pit-load-hop");
        using var consumer = new ConsumerBuilder<byte[], byte[]>(consumerConfig).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.End));
        producer.Produce(new TopicPartition(topic, 0), new Message<byte[], byte[]> { Value = new byte[300] });
        producer.Flush();
        consumer.Consume(TimeSpan.FromSeconds(10)); // the consumer has fetched once: its position is set
        var latencies = new double[samples];
        var acks = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var index = i;
            producer.Produce(new TopicPartition(topic, 0), new Message<byte[], byte[]> { Value = new byte[300] }, _ =>
                acks[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds
            );
            while (consumer.Consume(TimeSpan.FromSeconds(10)) is null) { }
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            producer.Flush();
            Thread.Sleep(1);
        }
        var acked = Percentiles(acks);
        Console.WriteLine($"   (produce acknowledged: p50 {acked.P50:F1} ms, p99 {acked.P99:F1} ms)");
        return Percentiles(latencies);
    }

    private static async Task<(double P50, double P99)> InsertThenSelectAsync(NpgsqlDataSource database, int samples)
    {
        await using (
            var create = database.CreateCommand(
                "CREATE TABLE IF NOT EXISTS floor_points (id uuid PRIMARY KEY, nav bigint)"
            )
        )
            await create.ExecuteNonQueryAsync();
        var latencies = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var id = Guid.NewGuid();
            var started = Stopwatch.GetTimestamp();
            await using (var insert = database.CreateCommand("INSERT INTO floor_points VALUES ($1, 1)"))
            {
                insert.Parameters.Add(new() { Value = id });
                await insert.ExecuteNonQueryAsync();
            }
            await using (var select = database.CreateCommand("SELECT nav FROM floor_points WHERE id = $1"))
            {
                select.Parameters.Add(new() { Value = id });
                await select.ExecuteScalarAsync();
            }
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        return Percentiles(latencies);
    }

    /// <summary>The median and 99th percentile of <paramref name="values"/> (zeros when there are none).</summary>
    private static (double P50, double P99) Percentiles(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? (0, 0) : (sorted[sorted.Count / 2], sorted[(int)(sorted.Count * 0.99)]);
    }

    /// <summary>
    /// The consumers' own record-age and batch-duration measurements (PitMetrics), collected while the load runs.
    /// </summary>
    private sealed class ConsumerStages : IDisposable
    {
        private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
        private readonly Dictionary<(string Group, string Stage), List<double>> _values = [];

        public ConsumerStages()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument == PitMetrics.RecordAge || instrument == PitMetrics.BatchDuration)
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<double>(
                (instrument, value, tags, _) =>
                {
                    var group = "";
                    foreach (var tag in tags)
                        if (tag.Key == "consumer_group")
                            group = tag.Value as string ?? "";
                    var stage = instrument == PitMetrics.RecordAge ? "age" : "handler";
                    lock (_values)
                    {
                        if (!_values.TryGetValue((group, stage), out var list))
                            _values[(group, stage)] = list = [];
                        list.Add(value);
                    }
                }
            );
            _listener.Start();
        }

        public List<string> Report()
        {
            lock (_values)
            {
                return _values
                    .Keys.Select(k => k.Group)
                    .Distinct()
                    .Order()
                    .Select(group =>
                    {
                        var ages = _values.GetValueOrDefault((group, "age")) ?? [];
                        var durations = _values.GetValueOrDefault((group, "handler")) ?? [];
                        var (age50, age99) = Percentiles(ages);
                        var (handler50, handler99) = Percentiles(durations);
                        return $"{group}: age p50 {age50:F1} ms, p99 {age99:F1} ms; handler p50 {handler50:F1} ms, "
                            + $"p99 {handler99:F1} ms ({durations.Count} batches)";
                    })
                    .ToList();
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
