using PitPlatform.Testing;

namespace PitPlatform.Governance.Tests.Deletion;

/// <summary>
/// Rows of every table that holds tenant data, written straight to Postgres for one tenant, series and cells.
/// </summary>
internal static class TenantData
{
    public const string Subject = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    /// <summary>Per cell: 1 cash row, 1 position, <paramref name="points"/> NAV points (and their rollups), 2 LLM calls
    /// (one of <see cref="Subject"/>), 3 recent events (a fill and the two calls), 2 deduplicated deliveries (one of
    /// <see cref="Subject"/>).</summary>
    public static async Task SeedAsync(
        TestDatabase database,
        string tenant,
        string series,
        string[] cells,
        int points = 3
    )
    {
        foreach (var cell in cells)
        {
            await database.ExecuteAsync(
                $"""
                INSERT INTO cell_cash (tenant, series, cell, currency, cash_micros, fills_applied) VALUES ('{tenant}', '{series}', '{cell}', 'USD', -1000, 1);
                INSERT INTO cell_positions (tenant, series, cell, instrument, quantity, last_price_micros, currency) VALUES ('{tenant}', '{series}', '{cell}', 'ACME', 10, 100, 'USD');
                INSERT INTO nav_points (event_id, tenant, series, cell, currency, ts, nav_micros, cash_micros, positions_value_micros, fills_applied)
                SELECT gen_random_uuid(), '{tenant}', '{series}', '{cell}', 'USD', timestamptz '2026-11-30 10:00:00+00' + n * interval '1 minute', 0, -1000, 1000, n
                FROM generate_series(1, {points}) n;
                INSERT INTO llm_calls (event_id, tenant, series, cell, ts, model, input_tokens, output_tokens, cost_micros, currency, latency_ms,
                    user_ref_hash, flagged, prompt_sha256, response_sha256)
                VALUES (gen_random_uuid(), '{tenant}', '{series}', '{cell}', now(), 'gpt', 1, 1, 1, 'USD', 1, '{Subject}', false, '\x00', '\x00'),
                       (gen_random_uuid(), '{tenant}', '{series}', '{cell}', now(), 'gpt', 1, 1, 1, 'USD', 1, 'other', false, '\x00', '\x00');
                INSERT INTO recent_events (event_id, tenant, type, ts, series, cell, model, user_ref_hash)
                VALUES (gen_random_uuid(), '{tenant}', 'exec.trade_fill', now(), '{series}', '{cell}', NULL, ''),
                       (gen_random_uuid(), '{tenant}', 'runtime.llm_call', now(), '{series}', '{cell}', 'gpt', '{Subject}'),
                       (gen_random_uuid(), '{tenant}', 'runtime.llm_call', now(), '{series}', '{cell}', 'gpt', 'other');
                INSERT INTO deduplicated_deliveries (consumer, source_topic, source_partition, source_offset, tenant, event_id, series, cell, user_ref_hash, ts)
                VALUES ('usage-aggregator', gen_random_uuid()::text, 0, 1, '{tenant}', gen_random_uuid(), '{series}', '{cell}', '{Subject}', now()),
                       ('usage-aggregator', gen_random_uuid()::text, 0, 2, '{tenant}', gen_random_uuid(), '{series}', '{cell}', 'other', now());
                INSERT INTO usage_daily (tenant, day, model, currency, calls, input_tokens, output_tokens, cost_micros)
                VALUES ('{tenant}', current_date, 'gpt-{series}-{cell}', 'USD', 2, 2, 2, 2) ON CONFLICT DO NOTHING;
                INSERT INTO events_daily (tenant, day, topic, events) VALUES ('{tenant}', current_date, 'pit.v1.runtime.llm_call', 2)
                ON CONFLICT (tenant, day, topic) DO UPDATE SET events = events_daily.events + 2;
                """
            );
        }
    }

    public static Task<long> RowsAsync(TestDatabase database, string table, string tenant, string? series = null) =>
        database.CountAsync(
            table,
            series is null ? $"tenant = '{tenant}'" : $"tenant = '{tenant}' AND series = '{series}'"
        );
}
