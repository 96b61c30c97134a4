using System.Diagnostics;
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
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-10-01T00:00:00Z");

    public static async Task<int> RunAsync(PitLocalHost host, int requests)
    {
        var database = host.Services.GetRequiredService<NpgsqlDataSource>();
        var consumer = host.Services.GetRequiredService<NavAnalyticsConsumer>();
        var minutes = Days * 24 * 60;
        var points = minutes * Cells;

        var seeding = Stopwatch.StartNew();
        await SeedAsync(consumer, minutes);
        var seeded = seeding.Elapsed;
        await using (var analyze = database.CreateCommand("ANALYZE nav_points; ANALYZE nav_rollups")) await analyze.ExecuteNonQueryAsync();
        await using (var count = database.CreateCommand($"SELECT count(*) FROM nav_points WHERE series = '{Series}'"))
        {
            var stored = (long)(await count.ExecuteScalarAsync())!;
            if (stored != points) throw new InvalidOperationException($"{stored} points stored, expected {points}");
        }
        Console.WriteLine($"0. seeded {points:N0} points ({Cells} cells x {minutes:N0} minutes) through NavAnalyticsConsumer in batches of 500: " +
                          $"{seeded.TotalSeconds:F1} s = {points / seeded.TotalSeconds:N0} points/s, rollups kept by the trigger");

        var from = Start.ToString("yyyy-MM-ddTHH:mm:ssZ");
        var to = Start.AddDays(Days).AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ssZ");
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.DevKey.ToString());
        var path = $"/v1/series/{Series}/nav?interval=auto&from={from}&to={to}&limit=10000";
        var (httpTimes, bytes, returned) = await TimeHttpAsync(http, path, requests);
        var svgTimes = (await TimeHttpAsync(http, $"/v1/series/{Series}/nav.svg?from={from}&to={to}", Math.Max(10, requests / 4))).Times;

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
        var (rollupTimes, rollupRows) = await TimeSqlAsync(database, rollupSql, requests);
        var (rawTimes, rawRows) = await TimeSqlAsync(database, rawSql, Math.Max(5, requests / 20));
        if (rollupRows != returned || rawRows != returned) throw new InvalidOperationException($"HTTP returned {returned} points, the rollup SQL {rollupRows}, the raw SQL {rawRows}");

        Console.WriteLine($"   query: 30 days, interval auto (1h), {Cells} cells: {returned:N0} points, {bytes / 1024:N0} KiB of JSON per answer, one page");
        Console.WriteLine($"1. HTTP GET {path.Split('?')[0]}?interval=auto ({requests} requests): {Percentiles(httpTimes)} (target p90 <= 50 ms)");
        Console.WriteLine($"2. bare SQL over nav_rollups, same rows, Npgsql ({requests} runs, the limit): {Percentiles(rollupTimes)}");
        Console.WriteLine($"3. bare SQL over raw nav_points, same answer ({rawTimes.Length} runs, without rollups): {Percentiles(rawTimes)}");
        Console.WriteLine($"4. HTTP GET .../nav.svg, same range ({svgTimes.Length} requests): {Percentiles(svgTimes)}");
        return 0;
    }

    private static async Task SeedAsync(NavAnalyticsConsumer consumer, int minutes)
    {
        var builder = new EnvelopeBuilder(TopicCatalog.Embedded, "load/1.0");
        var random = new Random(7);
        var nav = new long[Cells];
        var fills = new long[Cells];
        var offset = 0L;
        var batch = new List<ConsumedRecord>(500);
        for (var minute = 0; minute < minutes; minute++)
        {
            for (var cell = 0; cell < Cells; cell++)
            {
                nav[cell] += random.Next(-5_000, 5_001) * 1_000L;
                fills[cell]++;
                var key = CanonicalKey.ForCell("demo", Series, $"c{cell:D2}");
                var envelope = builder.Build(Guid.NewGuid(), Start.AddMinutes(minute), NavProcessor.OutputTopic, key,
                    new NAVUpdateEvent { Currency = "USD", NavMicros = 1_000_000_000_000 + nav[cell], CashMicros = nav[cell], PositionsValueMicros = 1_000_000_000_000, FillsApplied = fills[cell], SourceEventId = Guid.NewGuid().ToString() });
                batch.Add(new ConsumedRecord(NavProcessor.OutputTopic, cell, offset++, Encoding.UTF8.GetBytes(envelope.Key), envelope.ToByteArray(), DateTimeOffset.UtcNow, []));
                if (batch.Count < 500) continue;
                await consumer.HandleAsync(batch, CancellationToken.None);
                batch.Clear();
            }
        }
        if (batch.Count > 0) await consumer.HandleAsync(batch, CancellationToken.None);
    }

    private static async Task<(double[] Times, long Bytes, int Points)> TimeHttpAsync(HttpClient http, string path, int requests)
    {
        long bytes = 0;
        var points = 0;
        for (var i = 0; i < 5; i++) (bytes, points) = await GetAsync(http, path); // warm-up: JIT, connection pool, plan cache
        var times = new double[requests];
        for (var i = 0; i < requests; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await GetAsync(http, path);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        return (times, bytes, points);
    }

    private static async Task<(long Bytes, int Points)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {Encoding.UTF8.GetString(body)}");
        if (response.Content.Headers.ContentType?.MediaType != "application/json") return (body.Length, 0);
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
                _ = reader.GetDateTime(0); _ = reader.GetString(1); _ = reader.GetString(2);
                _ = reader.GetInt64(3); _ = reader.GetInt64(4); _ = reader.GetInt64(5); _ = reader.GetInt64(6);
                _ = reader.GetDateTime(7); _ = reader.GetInt64(8); _ = reader.GetInt64(9); _ = reader.GetInt64(10);
                count++;
            }
            rows = count;
            if (i >= 0) times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        return (times, rows);
    }

    private static string Percentiles(double[] times)
    {
        var sorted = times.Order().ToArray();
        double At(double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
        return $"p50 {At(0.50):F1} ms, p90 {At(0.90):F1} ms, p99 {At(0.99):F1} ms";
    }
}
