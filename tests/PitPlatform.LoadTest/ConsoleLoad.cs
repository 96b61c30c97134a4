using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using PitPlatform.LocalHost;
using PitPlatform.Processing.RecentEvents;

/// <summary>
/// ./pit load console [events] [requests]: one tenant's 30 days at [events] (default 1,000,000) accepted events in
/// recent_events (half trade fills, which the NAV processor's processed_events rows mark applied, half LLM calls over
/// 3 models; 10 series x 10 cells), plus NAV points of 10 cells at one a minute (the rollups kept by the trigger),
/// seeded by binary COPY (and the overview's daily counts by SQL from them); then the console's queries over HTTP,
/// timed request by request, each beside its bare SQL with Npgsql in the same run (the raw limit; for the overview, the
/// handler's own statements and parameters without HTTP): the overview (24 hours, 30 days, and 30 days with partial
/// days at both edges), the logs' first page (no filter, and series + status), and the NAV chart over 30 days (interval
/// auto). A benchmark, not a test.
/// </summary>
internal static class ConsoleLoad
{
    private const int Days = 30;
    private const string Tenant = "demo";
    private static readonly DateTimeOffset End = DateTimeOffset.Parse(
        "2026-11-01T00:00:00Z",
        System.Globalization.CultureInfo.InvariantCulture
    );
    private static readonly DateTimeOffset Start = End.AddDays(-Days);
    private static readonly string[] Models = ["gpt-4o", "gpt-4o-mini", "claude"];

    public static async Task<int> RunAsync(PitLocalHost host, int events, int requests)
    {
        var database = host.Services.GetRequiredService<NpgsqlDataSource>();
        var seeding = Stopwatch.StartNew();
        await SeedEventsAsync(database, events);
        await SeedNavAsync(database);
        await SeedDailyCountsAsync(database);
        foreach (
            var table in new[]
            {
                "recent_events",
                "processed_events",
                "nav_points",
                "nav_rollups",
                "event_counts_daily",
            }
        )
        {
            await using var vacuum = database.CreateCommand($"VACUUM (ANALYZE) {table}");
            await vacuum.ExecuteNonQueryAsync();
        }
        Console.WriteLine(
            $"0. seeded {events:N0} recent events over {Days} days ({events / 2:N0} fills applied by the NAV "
                + "processor, the rest LLM calls) "
                + $"and {Days * 24 * 60 * 10:N0} NAV points in {seeding.Elapsed.TotalSeconds:N0} s; "
                + $"load average {LoadAverage()}"
        );

        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.DevKey.ToString());
        var day = $"from={Iso(End.AddDays(-1))}&to={Iso(End)}";
        var month = $"from={Iso(Start)}&to={Iso(End)}";
        // The overview's raw limit is the handler's own statements and parameters on the host's data source
        // (auto-prepared as in the product): the same SQL with the bounds inlined as literals plans the partial days
        // worse.
        Func<Task> Overview(DateTimeOffset from, DateTimeOffset to) =>
            () => OverviewCounts.ReadAsync(database, Tenant, from, to, CancellationToken.None);
        Func<Task> Sql(string sql) => () => ReadAllAsync(database, sql);
        var cases = new (string Name, string Path, Func<Task> Bare)[]
        {
            ("overview, 24 hours", $"/v1/stats/overview?{day}", Overview(End.AddDays(-1), End)),
            ("overview, 30 days", $"/v1/stats/overview?{month}", Overview(Start, End)),
            (
                "overview, 30 days from and to 12:00 (two partial days counted live)",
                $"/v1/stats/overview?from={Iso(Start.AddHours(12))}&to={Iso(End.AddHours(-12))}",
                Overview(Start.AddHours(12), End.AddHours(-12))
            ),
            ("logs, first page of 100, 30 days", $"/v1/events/recent?{month}&limit=100", Sql(LogsSql(""))),
            (
                "logs, series s3 + status applied, 30 days",
                $"/v1/events/recent?{month}&series=s3&status=applied&limit=100",
                Sql(LogsSql("AND r.series = 's3'", "WHERE s.status = 'applied'"))
            ),
            (
                "NAV chart, 30 days, interval auto",
                $"/v1/series/console/nav?interval=auto&{month}&limit=10000",
                Sql(NavSql())
            ),
        };
        var line = 1;
        foreach (var (name, path, bare) in cases)
        {
            var httpTimes = await TimeHttpAsync(http, path, requests);
            var bareTimes = await TimeAsync(bare, requests);
            Console.WriteLine(
                $"{line++}. {name}: HTTP {Percentiles(httpTimes)}; bare SQL {Percentiles(bareTimes)} "
                    + "(target p90 <= 500 ms)"
            );
        }
        Console.WriteLine($"   load average after: {LoadAverage()}");
        return 0;
    }

    private static string Iso(DateTimeOffset t) =>
        t.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    private static string LogsSql(string where, string outer = "") =>
        $"""
            SELECT * FROM (
                SELECT r.event_id, r.type, r.ts, r.series, r.cell, r.model, r.accepted_at, {RecentEventStatus.Sql} AS status,
                       {RecentEventStatus.DuplicatesSql} AS duplicates
                FROM recent_events r WHERE r.tenant = '{Tenant}' AND r.ts >= '{Iso(Start)}' AND r.ts < '{Iso(
                End
            )}' {where}
                ORDER BY r.ts DESC, r.event_id DESC) s
            {outer} LIMIT 101
            """;

    private static string NavSql() =>
        $"""
            SELECT bucket, cell, currency, nav_micros, cash_micros, positions_value_micros, last_fills_applied, last_ts, min_nav_micros, max_nav_micros, points
            FROM nav_rollups WHERE tenant = '{Tenant}' AND series = 'console' AND bucket_seconds = 3600 AND bucket >= '{Iso(
                Start
            )}' AND bucket <= '{Iso(End)}'
            ORDER BY bucket, cell, currency LIMIT 10001
            """;

    /// <summary>
    /// Events spread evenly over the 30 days; even ones are fills (with the NAV processor's row), odd ones calls.
    /// </summary>
    private static async Task SeedEventsAsync(NpgsqlDataSource database, int events)
    {
        var step = TimeSpan.FromDays(Days).Ticks / events;
        await using var connection = await database.OpenConnectionAsync();
        var fills = new List<Guid>(events / 2 + 1);
        await using (
            var writer = await connection.BeginBinaryImportAsync(
                "COPY recent_events (event_id, tenant, type, ts, series, cell, model, user_ref_hash, accepted_at) "
                    + "FROM STDIN (FORMAT BINARY)"
            )
        )
        {
            for (var i = 0; i < events; i++)
            {
                var ts = Start.AddTicks(step * i);
                var fill = i % 2 == 0;
                var id = Guid.CreateVersion7(ts);
                if (fill)
                    fills.Add(id);
                await writer.StartRowAsync();
                await writer.WriteAsync(id, NpgsqlDbType.Uuid);
                await writer.WriteAsync(Tenant, NpgsqlDbType.Text);
                await writer.WriteAsync(fill ? "exec.trade_fill" : "runtime.llm_call", NpgsqlDbType.Text);
                await writer.WriteAsync(ts.UtcDateTime, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync($"s{i / 2 % 10}", NpgsqlDbType.Text);
                await writer.WriteAsync(fill ? $"c{i / 20 % 10}" : "", NpgsqlDbType.Text);
                if (fill)
                    await writer.WriteNullAsync();
                else
                    await writer.WriteAsync(Models[i / 2 % Models.Length], NpgsqlDbType.Text);
                await writer.WriteAsync("", NpgsqlDbType.Text);
                await writer.WriteAsync(ts.AddMilliseconds(200).UtcDateTime, NpgsqlDbType.TimestampTz);
            }
            await writer.CompleteAsync();
        }
        await using (
            var writer = await connection.BeginBinaryImportAsync(
                "COPY processed_events (consumer, event_id, payload_sha256, processed_at) FROM STDIN (FORMAT BINARY)"
            )
        )
        {
            var hash = new byte[32];
            foreach (var id in fills)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync("nav-processor", NpgsqlDbType.Text);
                await writer.WriteAsync(id, NpgsqlDbType.Uuid);
                await writer.WriteAsync(hash, NpgsqlDbType.Bytea);
                await writer.WriteAsync(DateTime.UtcNow, NpgsqlDbType.TimestampTz);
            }
            await writer.CompleteAsync();
        }
    }

    /// <summary>
    /// The overview's rollup as the usage aggregator (accepted) and the NAV processor (applied) would have kept it.
    /// </summary>
    private static async Task SeedDailyCountsAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand(
            $"""
            INSERT INTO event_counts_daily (tenant, day, type, status, slot, events)
            SELECT tenant, (ts AT TIME ZONE 'UTC')::date, type, 'accepted', 0, count(*) FROM recent_events
            WHERE tenant = '{Tenant}' GROUP BY 1, 2, 3;
            INSERT INTO event_counts_daily (tenant, day, type, status, slot, events)
            SELECT r.tenant, (r.ts AT TIME ZONE 'UTC')::date, r.type, 'applied', 0, count(*) FROM recent_events r
            JOIN processed_events p ON p.consumer = 'nav-processor' AND p.event_id = r.event_id
            WHERE r.tenant = '{Tenant}' GROUP BY 1, 2, 3
            """
        );
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// NAV points of 10 cells of series "console", one a minute over the 30 days (COPY fires the rollup trigger).
    /// </summary>
    private static async Task SeedNavAsync(NpgsqlDataSource database)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY nav_points (event_id, tenant, series, cell, currency, ts, nav_micros, cash_micros, "
                + "positions_value_micros, fills_applied) FROM STDIN (FORMAT BINARY)"
        );
        for (var minute = 0; minute < Days * 24 * 60; minute++)
        {
            for (var cell = 0; cell < 10; cell++)
            {
                var nav = 1_000_000_000_000L + (minute * 7919L + cell * 104_729L) % 10_001 * 1_000_000L;
                await writer.StartRowAsync();
                await writer.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                await writer.WriteAsync(Tenant, NpgsqlDbType.Text);
                await writer.WriteAsync("console", NpgsqlDbType.Text);
                await writer.WriteAsync($"c{cell}", NpgsqlDbType.Text);
                await writer.WriteAsync("USD", NpgsqlDbType.Char);
                await writer.WriteAsync(Start.AddMinutes(minute).UtcDateTime, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(nav, NpgsqlDbType.Bigint);
                await writer.WriteAsync(nav - 1_000_000_000_000L, NpgsqlDbType.Bigint);
                await writer.WriteAsync(1_000_000_000_000L, NpgsqlDbType.Bigint);
                await writer.WriteAsync(minute + 1L, NpgsqlDbType.Bigint);
            }
        }
        await writer.CompleteAsync();
    }

    private static async Task<double[]> TimeHttpAsync(HttpClient http, string path, int requests)
    {
        var times = new double[requests];
        for (var i = -3; i < requests; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {body}");
            if (i >= 0)
                times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        return times;
    }

    private static async Task<double[]> TimeAsync(Func<Task> bare, int runs)
    {
        var times = new double[runs];
        for (var i = -3; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await bare();
            if (i >= 0)
                times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        return times;
    }

    private static async Task ReadAllAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) { }
    }

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
