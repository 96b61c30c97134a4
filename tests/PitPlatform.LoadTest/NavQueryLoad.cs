using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Keys;
using PitPlatform.LocalHost;
using PitPlatform.Processing.Nav;

/// <summary>
/// ./pit load navquery [requests]: 30 days at one NAV point per minute for 10 cells (432,000 points) stored through the
/// real analytics consumer (nav_points plus the rollups its trigger keeps), then GET /v1/series/{series}/nav over the
/// 30 days, interval auto, every cell, timed request by request; beside it, in the same run, the bare SQL of the same
/// answer with Npgsql: over the rollup (the limit of this design) and over the raw table (the cost without rollups).
/// </summary>
internal static class NavQueryLoad
{
    private const int Cells = 10;
    private const int Days = 30;
    private const string Series = "navquery";
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse(
        "2026-10-01T00:00:00Z",
        CultureInfo.InvariantCulture
    );

    public static async Task<int> RunAsync(PitLocalHost host, int requests)
    {
        var database = host.Services.GetRequiredService<NpgsqlDataSource>();
        var consumer = host.Services.GetRequiredService<NavAnalyticsConsumer>();
        var minutes = Days * 24 * 60;
        var points = minutes * Cells;

        // Day 1 through the real consumer (its throughput with the rollup trigger), days 2-30 by binary COPY into
        // nav_points, which fires the same trigger once per COPY: the same rows and rollups, in a fraction of the time.
        var consumed = 24 * 60;
        var seeding = Stopwatch.StartNew();
        await SeedThroughConsumerAsync(consumer, 0, consumed);
        var throughConsumer = seeding.Elapsed;
        seeding.Restart();
        await SeedByCopyAsync(database, consumed, minutes);
        var byCopy = seeding.Elapsed;
        // What autovacuum does in steady state: the rollups were rewritten by every batch (HOT chains, visibility map).
        foreach (var table in new[] { "nav_points", "nav_rollups" })
        {
            await using var vacuum = database.CreateCommand($"VACUUM (ANALYZE) {table}");
            await vacuum.ExecuteNonQueryAsync();
        }
        await using (var count = database.CreateCommand($"SELECT count(*) FROM nav_points WHERE series = '{Series}'"))
        {
            var stored = (long)(await count.ExecuteScalarAsync())!;
            if (stored != points)
                throw new InvalidOperationException($"{stored} points stored, expected {points}");
        }
        Console.WriteLine(
            $"0. seeded {points:N0} points ({Cells} cells x {minutes:N0} minutes), rollups kept by the "
                + "trigger: day 1 through NavAnalyticsConsumer "
                + $"in batches of 500 at {consumed * Cells / throughConsumer.TotalSeconds:N0} points/s, days "
                + $"2-{Days} by binary COPY at {(minutes - consumed) * Cells / byCopy.TotalSeconds:N0} points/s"
        );

        var from = Start.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var to = Start.AddDays(Days).AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.DevKey.ToString());
        var path = $"/v1/series/{Series}/nav?interval=auto&from={from}&to={to}&limit=10000";
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var (httpTimes, bytes, returned) = await TimeHttpAsync(http, path, requests);
        var cpuPerRequest =
            (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / (requests + 5);
        var svgTimes = (
            await TimeHttpAsync(http, $"/v1/series/{Series}/nav.svg?from={from}&to={to}", Math.Max(10, requests / 4))
        ).Times;

        var rollupSql = $"""
            SELECT bucket, cell, currency, nav_micros, cash_micros, positions_value_micros, last_fills_applied, last_ts, min_nav_micros, max_nav_micros, points
            FROM nav_rollups WHERE tenant = 'demo' AND series = '{Series}' AND bucket_seconds = 3600 AND bucket >= '{from}' AND bucket <= '{to}'
            ORDER BY bucket, cell, currency LIMIT 10001
            """;
        var rawSql = $"""
            SELECT bucket, cell, currency, nav_micros, cash_micros, positions_value_micros, fills_applied, ts, lo, hi, n FROM (
                SELECT DISTINCT ON (bucket, cell, currency) date_bin('1 hour', ts, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket, cell, currency,
                       nav_micros, cash_micros, positions_value_micros, fills_applied, ts,
                       min(nav_micros) OVER w AS lo, max(nav_micros) OVER w AS hi, count(*) OVER w AS n
                FROM nav_points WHERE tenant = 'demo' AND series = '{Series}' AND ts >= '{from}' AND ts <= '{to}'
                WINDOW w AS (PARTITION BY date_bin('1 hour', ts, TIMESTAMPTZ '1970-01-01 00:00:00+00'), cell, currency)
                ORDER BY bucket, cell, currency, ts DESC, fills_applied DESC, event_id DESC) last
            ORDER BY bucket, cell, currency
            """;
        var (readTimes, serializeTimes) = await TimePhasesAsync(host, requests, from, to);
        var (rollupTimes, rollupRows) = await TimeSqlAsync(database, rollupSql, requests);
        var (rawTimes, rawRows) = await TimeSqlAsync(database, rawSql, 5);
        if (rollupRows != returned || rawRows != returned)
            throw new InvalidOperationException(
                $"HTTP returned {returned} points, the rollup SQL {rollupRows}, the raw SQL {rawRows}"
            );

        Console.WriteLine(
            $"   query: 30 days, interval auto (1h), {Cells} cells: {returned:N0} points, {bytes / 1024:N0} "
                + "KiB of JSON per answer, one page"
        );
        Console.WriteLine(
            $"1. HTTP GET {path.Split('?')[0]}?interval=auto ({requests} requests): {Percentiles(httpTimes)} "
                + "(target p90 <= 50 ms); "
                + $"{cpuPerRequest:F1} ms CPU per request in this process (host and client; Postgres apart), "
                + $"load average {LoadAverage()}"
        );
        Console.WriteLine(
            $"   inside it: NavPages.ReadAsync (query and materialize) {Percentiles(readTimes)}; JSON "
                + $"serialization {Percentiles(serializeTimes)}"
        );
        Console.WriteLine(
            $"2. bare SQL over nav_rollups, same rows, Npgsql ({requests} runs, the limit): "
                + $"{Percentiles(rollupTimes)}; in Postgres: {await PlanAsync(database, rollupSql)}"
        );
        Console.WriteLine(
            $"3. bare SQL over raw nav_points, same answer ({rawTimes.Length} runs, without rollups): "
                + $"{Percentiles(rawTimes)}"
        );
        Console.WriteLine($"4. HTTP GET .../nav.svg, same range ({svgTimes.Length} requests): {Percentiles(svgTimes)}");
        return 0;
    }

    /// <summary>NAV of a cell at a minute: a deterministic random walk around 1M USD, in micros.</summary>
    private static long Nav(int cell, int minute) =>
        1_000_000_000_000 + (long)((minute * 7919L + cell * 104_729L) % 10_001 - 5_000) * 1_000_000L * (cell + 1);

    private static async Task SeedByCopyAsync(NpgsqlDataSource database, int firstMinute, int minutes)
    {
        for (var day = firstMinute; day < minutes; day += 24 * 60)
        {
            await using var connection = await database.OpenConnectionAsync();
            await using var writer = await connection.BeginBinaryImportAsync(
                "COPY nav_points (event_id, tenant, series, cell, currency, ts, nav_micros, cash_micros, "
                    + "positions_value_micros, fills_applied) FROM STDIN (FORMAT BINARY)"
            );
            for (var minute = day; minute < Math.Min(minutes, day + 24 * 60); minute++)
            {
                for (var cell = 0; cell < Cells; cell++)
                {
                    var nav = Nav(cell, minute);
                    await writer.StartRowAsync();
                    await writer.WriteAsync(Guid.NewGuid(), NpgsqlTypes.NpgsqlDbType.Uuid);
                    await writer.WriteAsync("demo", NpgsqlTypes.NpgsqlDbType.Text);
                    await writer.WriteAsync(Series, NpgsqlTypes.NpgsqlDbType.Text);
                    await writer.WriteAsync($"c{cell:D2}", NpgsqlTypes.NpgsqlDbType.Text);
                    await writer.WriteAsync("USD", NpgsqlTypes.NpgsqlDbType.Char);
                    await writer.WriteAsync(Start.AddMinutes(minute).UtcDateTime, NpgsqlTypes.NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(nav, NpgsqlTypes.NpgsqlDbType.Bigint);
                    await writer.WriteAsync(nav - 1_000_000_000_000, NpgsqlTypes.NpgsqlDbType.Bigint);
                    await writer.WriteAsync(1_000_000_000_000L, NpgsqlTypes.NpgsqlDbType.Bigint);
                    await writer.WriteAsync(minute + 1L, NpgsqlTypes.NpgsqlDbType.Bigint);
                }
            }
            await writer.CompleteAsync();
        }
    }

    private static async Task SeedThroughConsumerAsync(NavAnalyticsConsumer consumer, int firstMinute, int minutes)
    {
        var builder = new EnvelopeBuilder(TopicCatalog.Embedded, "load/1.0");
        var offset = 0L;
        var batch = new List<ConsumedRecord>(500);
        for (var minute = firstMinute; minute < minutes; minute++)
        {
            for (var cell = 0; cell < Cells; cell++)
            {
                var key = CanonicalKey.ForCell("demo", Series, $"c{cell:D2}");
                var envelope = builder.Build(
                    Guid.NewGuid(),
                    Start.AddMinutes(minute),
                    NavProcessor.OutputTopic,
                    key,
                    new NAVUpdateEvent
                    {
                        Currency = "USD",
                        NavMicros = Nav(cell, minute),
                        CashMicros = Nav(cell, minute) - 1_000_000_000_000,
                        PositionsValueMicros = 1_000_000_000_000,
                        FillsApplied = minute + 1,
                        SourceEventId = Guid.NewGuid().ToString(),
                    }
                );
                batch.Add(
                    new ConsumedRecord(
                        NavProcessor.OutputTopic,
                        cell,
                        offset++,
                        Encoding.UTF8.GetBytes(envelope.Key),
                        envelope.ToByteArray(),
                        DateTimeOffset.UtcNow,
                        []
                    )
                );
                if (batch.Count < 500)
                    continue;
                await consumer.HandleAsync(batch, CancellationToken.None);
                batch.Clear();
            }
        }
        if (batch.Count > 0)
            await consumer.HandleAsync(batch, CancellationToken.None);
    }

    private static readonly byte[] Sink = new byte[64 * 1024];

    private static async Task<(double[] Times, long Bytes, int Points)> TimeHttpAsync(
        HttpClient http,
        string path,
        int requests
    )
    {
        long bytes = 0;
        var points = 0;
        for (var i = 0; i < 5; i++)
            (bytes, points) = await GetAsync(http, path); // warm-up: JIT, connection pool, plan cache
        var times = new double[requests];
        for (var i = 0; i < requests; i++)
        {
            // Until the last byte arrived, read into one reused buffer: the client's own parsing and its 2 MB
            // large-object copies (which set off gen 2 collections in this shared process) are not the server's time.
            var started = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            await using (var stream = await response.Content.ReadAsStreamAsync())
            {
                while (await stream.ReadAsync(Sink) > 0) { }
            }
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"{path}: {(int)response.StatusCode}");
        }
        return (times, bytes, points);
    }

    /// <summary>The handler's two phases without HTTP: reading the page, then writing its JSON.</summary>
    private static async Task<(double[] Read, double[] Serialize)> TimePhasesAsync(
        PitLocalHost host,
        int runs,
        string from,
        string to
    )
    {
        var pages = host.Services.GetRequiredService<NavPages>();
        var query = new NavQuery(
            Series,
            null,
            null,
            DateTimeOffset.Parse(from, CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(to, CultureInfo.InvariantCulture),
            NavInterval.Auto,
            NavQuery.MaxLimit,
            null
        );
        var read = new double[runs];
        var serialize = new double[runs];
        for (var i = -3; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var (page, _) = await pages.ReadAsync("demo", query, CancellationToken.None);
            var readDone = Stopwatch.GetTimestamp();
            var response = new NavResponse(
                page!.Points,
                new NavMeta(
                    Series,
                    null,
                    null,
                    page.Interval.Name,
                    query.From?.UtcDateTime,
                    query.To?.UtcDateTime,
                    page.Points.Count,
                    query.Limit,
                    null
                )
            );
            await System.Text.Json.JsonSerializer.SerializeAsync(
                Stream.Null,
                response,
                NavJsonContext.Default.NavResponse
            );
            if (i < 0)
                continue;
            read[i] = Stopwatch.GetElapsedTime(started, readDone).TotalMilliseconds;
            serialize[i] = Stopwatch.GetElapsedTime(readDone).TotalMilliseconds;
        }
        return (read, serialize);
    }

    private static async Task<(long Bytes, int Points)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {Encoding.UTF8.GetString(body)}");
        if (response.Content.Headers.ContentType?.MediaType != "application/json")
            return (body.Length, 0);
        using var json = System.Text.Json.JsonDocument.Parse(body);
        return (body.Length, json.RootElement.GetProperty("data").GetArrayLength());
    }

    private static async Task<(double[] Times, int Rows)> TimeSqlAsync(NpgsqlDataSource database, string sql, int runs)
    {
        var rows = 0;
        var times = new double[runs];
        for (var i = -3; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await using var command = database.CreateCommand(sql);
            await using var reader = await command.ExecuteReaderAsync();
            var count = 0;
            while (await reader.ReadAsync())
            {
                // Read every column as the handler does, so both sides pay the same decoding.
                _ = reader.GetDateTime(0);
                _ = reader.GetString(1);
                _ = reader.GetString(2);
                _ = reader.GetInt64(3);
                _ = reader.GetInt64(4);
                _ = reader.GetInt64(5);
                _ = reader.GetInt64(6);
                _ = reader.GetDateTime(7);
                _ = reader.GetInt64(8);
                _ = reader.GetInt64(9);
                _ = reader.GetInt64(10);
                count++;
            }
            rows = count;
            if (i >= 0)
                times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        return (times, rows);
    }

    /// <summary>
    /// The plan's access path and Postgres's own execution time of a query, apart from transfer and decoding.
    /// </summary>
    private static async Task<string> PlanAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand("EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) " + sql);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
            lines.Add(reader.GetString(0).Trim());
        var scan = lines
            .FirstOrDefault(l => l.Contains(" Scan ", StringComparison.Ordinal))
            ?.Split("  (")[0]
            .TrimStart('-', '>', ' ');
        return $"{scan}, {lines.Last(l => l.StartsWith("Execution Time", StringComparison.Ordinal))}";
    }

    /// <summary>The 1-minute load average: the figures above mean little on a machine busy with other work.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg")
            ? File.ReadAllText("/proc/loadavg").Split(' ')[0] + $" on {Environment.ProcessorCount} cores"
            : "unknown";

    private static string Percentiles(double[] times)
    {
        var sorted = times.Order().ToArray();
        double At(double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
        return $"p50 {At(0.50):F1} ms, p90 {At(0.90):F1} ms, p99 {At(0.99):F1} ms";
    }
}
