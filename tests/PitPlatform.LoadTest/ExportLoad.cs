using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PitPlatform.LocalHost;

/// <summary>
/// ./pit load export [rows]: GET /v1/export?scope=tenant over a tenant holding [rows] LLM calls (default 1,000,000),
/// read by an HTTP client that keeps nothing, beside the raw limit: COPY (the same rows, same order) TO STDOUT read by
/// Npgsql in the same process. For each: rows/s, MB/s and the process's RSS growth (peak during the run minus the
/// settled RSS before it). The target is an RSS growth under 100 MB for 1,000,000 rows.
/// </summary>
internal static class ExportLoad
{
    private const long TargetGrowthBytes = 100L * 1024 * 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
        var state = Path.Combine(Path.GetTempPath(), "pit-load-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var host = await PitLocalHost.StartAsync(
                new LocalHostOptions
                {
                    StateDirectory = state,
                    HttpPort = 0,
                    DurablePostgres = false,
                },
                runConsumers: false
            );
            var database = host.Services.GetRequiredService<NpgsqlDataSource>();
            var load = Stopwatch.StartNew();
            await FillAsync(database, rows);
            Console.WriteLine(
                $"{rows:N0} LLM calls of tenant {DevApiKey.Tenant} stored in {load.Elapsed.TotalSeconds:F1} "
                    + $"s; {Environment.ProcessorCount} cores, embedded Postgres"
            );

            using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.DevKey.ToString());
            await ExportAsync(http, "scope=subject&subject=" + new string('0', 64)); // warm-up: routes, JIT, pools

            // The export runs first, so memory the raw read leaves in the process cannot hide the export's growth.
            var export = await MeasureAsync(() => ExportAsync(http, "scope=tenant"));
            Report(
                "GET /v1/export?scope=tenant (NDJSON; its rows also hold the tenant's key and audit entries)",
                rows,
                export
            );
            var raw = await MeasureAsync(() => CopyAsync(database));
            Report("raw COPY ... TO STDOUT (text)", rows, raw);
            Console.WriteLine(
                $"export: {raw.Seconds / export.Seconds * 100:F0}% of the raw COPY's row rate; RSS growth "
                    + $"{Mb(export.Growth):F0} MB "
                    + $"(target < {Mb(TargetGrowthBytes):F0} MB: "
                    + $"{(export.Growth < TargetGrowthBytes ? "met" : "NOT met")}), raw COPY "
                    + $"{Mb(raw.Growth):F0} MB"
            );
            if (export.Lines < rows)
                Console.WriteLine($"export returned {export.Lines:N0} lines for {rows:N0} rows: INCOMPLETE");
            return export.Growth < TargetGrowthBytes && export.Lines >= rows ? 0 : 1;
        }
        finally
        {
            if (Directory.Exists(state))
                Directory.Delete(state, recursive: true);
        }
    }

    private static async Task FillAsync(NpgsqlDataSource database, int rows)
    {
        const int chunk = 250_000;
        for (var first = 0; first < rows; first += chunk)
        {
            await using var command = database.CreateCommand(
                """
                INSERT INTO llm_calls (event_id, tenant, series, cell, ts, model, input_tokens, output_tokens, cost_micros, currency, latency_ms,
                                       run_id, user_ref_hash, flagged, prompt_sha256, response_sha256, prompt, response, text_kept_because)
                SELECT gen_random_uuid(), 'demo', 'assistant', '', TIMESTAMPTZ '2026-11-01' + make_interval(secs => i), 'gpt-4o', 100 + i % 50, 20,
                       1500 + i % 7, 'USD', 850, 'run-' || (i / 10), md5(i::text) || md5((i + 1)::text), false,
                       sha256(i::text::bytea), sha256((i + 1)::text::bytea), 'What is the NAV of cell ' || i || '?', 'Net asset value.', 'opted_in'
                FROM generate_series($1, $2) i
                """
            );
            command.Parameters.Add(new() { Value = first });
            command.Parameters.Add(new() { Value = Math.Min(rows, first + chunk) - 1 });
            command.CommandTimeout = 600;
            await command.ExecuteNonQueryAsync();
        }
        await using var analyze = database.CreateCommand("VACUUM ANALYZE llm_calls");
        await analyze.ExecuteNonQueryAsync();
    }

    /// <summary>The same rows in the export's order, as Postgres's own text COPY, read and dropped.</summary>
    private static async Task<(long Bytes, long Lines)> CopyAsync(NpgsqlDataSource database)
    {
        await using var connection = await database.OpenConnectionAsync();
        using var reader = await connection.BeginTextExportAsync(
            "COPY (SELECT * FROM llm_calls WHERE tenant = 'demo' ORDER BY event_id) TO STDOUT"
        );
        var buffer = new char[64 * 1024];
        long chars = 0,
            lines = 0;
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory())) > 0)
        {
            chars += read;
            lines += buffer.AsSpan(0, read).Count('\n');
        }
        return (chars, lines);
    }

    private static async Task<(long Bytes, long Lines)> ExportAsync(HttpClient http, string query)
    {
        using var response = await http.GetAsync($"/v1/export?{query}", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long bytes = 0,
            lines = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            bytes += read;
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }
        return (bytes, lines - 2); // the header and trailer lines are not rows
    }

    private static async Task<Measurement> MeasureAsync(Func<Task<(long Bytes, long Lines)>> run)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        await Task.Delay(500);
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.WorkingSet64;
        var peak = before;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                try
                {
                    await Task.Delay(20, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
        var watch = Stopwatch.StartNew();
        var (bytes, lines) = await run();
        watch.Stop();
        await stop.CancelAsync();
        await sampler;
        process.Refresh();
        peak = Math.Max(peak, process.WorkingSet64);
        return new Measurement(watch.Elapsed.TotalSeconds, bytes, lines, peak - before, before);
    }

    private static void Report(string what, int rows, Measurement m) =>
        Console.WriteLine(
            $"{what}: {m.Lines:N0} rows in {m.Seconds:F1} s = {rows / m.Seconds:N0} rows/s, "
                + $"{m.Bytes / m.Seconds / 1e6:F0} MB/s "
                + $"({m.Bytes / 1e6:F0} MB); RSS {Mb(m.Before):F0} MB before, peak "
                + $"{Mb(m.Before + m.Growth):F0} MB, growth {Mb(m.Growth):F0} MB"
        );

    private static double Mb(long bytes) => bytes / (1024.0 * 1024.0);

    private sealed record Measurement(double Seconds, long Bytes, long Lines, long Growth, long Before);
}
