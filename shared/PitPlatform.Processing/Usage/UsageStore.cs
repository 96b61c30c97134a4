using Npgsql;

namespace PitPlatform.Processing.Usage;

/// <summary>
/// The usage aggregator's SQL, run inside its transaction: per-tenant locks, the tenants' text opt-ins, the
/// aggregates to add to, and the writes.
/// </summary>
public static class UsageStore
{
    /// <summary>
    /// One advisory lock per tenant, taken in sorted order so two aggregators never deadlock. Every writer of a
    /// tenant's aggregates and processed rows holds it, so reading and then writing absolute totals is safe across a
    /// rebalance.
    /// </summary>
    public static async Task LockTenantsAsync(
        NpgsqlConnection connection,
        IEnumerable<string> tenants,
        CancellationToken cancellationToken
    )
    {
        await using var command = new NpgsqlCommand(
            "SELECT count(pg_advisory_xact_lock(hashtextextended('usage:' || k, 7))) FROM unnest($1::text[]) AS k",
            connection
        );
        command.Parameters.Add(new() { Value = tenants.Distinct().Order(StringComparer.Ordinal).ToArray() });
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The tenants, among <paramref name="tenants"/>, that opted in to keeping the full text of their calls.
    /// </summary>
    public static async Task<HashSet<string>> LoadTextOptInsAsync(
        NpgsqlConnection connection,
        IEnumerable<string> tenants,
        CancellationToken cancellationToken
    )
    {
        await using var command = new NpgsqlCommand(
            "SELECT tenant FROM tenant_redaction WHERE tenant = ANY($1) AND store_llm_text",
            connection
        );
        command.Parameters.Add(new() { Value = tenants.Distinct().ToArray() });
        var optedIn = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            optedIn.Add(reader.GetString(0));
        return optedIn;
    }

    public static async Task<Dictionary<DailyUsageKey, DailyUsage>> LoadUsageAsync(
        NpgsqlConnection connection,
        IReadOnlyCollection<DailyUsageKey> keys,
        CancellationToken cancellationToken
    )
    {
        var found = new Dictionary<DailyUsageKey, DailyUsage>();
        if (keys.Count == 0)
            return found;
        await using var command = new NpgsqlCommand(
            """
            SELECT u.tenant, u.day, u.model, u.currency, u.calls, u.input_tokens, u.output_tokens, u.cost_micros
            FROM usage_daily u JOIN unnest($1::text[], $2::date[], $3::text[], $4::text[]) AS k(tenant, day, model, currency)
              ON u.tenant = k.tenant AND u.day = k.day AND u.model = k.model AND u.currency = k.currency
            """,
            connection
        );
        command.Parameters.Add(new() { Value = keys.Select(k => k.Tenant).ToArray() });
        command.Parameters.Add(new() { Value = keys.Select(k => k.Day).ToArray() });
        command.Parameters.Add(new() { Value = keys.Select(k => k.Model).ToArray() });
        command.Parameters.Add(new() { Value = keys.Select(k => k.Currency).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found[
                new DailyUsageKey(
                    reader.GetString(0),
                    reader.GetFieldValue<DateOnly>(1),
                    reader.GetString(2),
                    reader.GetString(3)
                )
            ] = new DailyUsage(reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7));
        }
        return found;
    }

    public static async Task<Dictionary<DailyEventsKey, long>> LoadEventCountsAsync(
        NpgsqlConnection connection,
        IReadOnlyCollection<DailyEventsKey> keys,
        CancellationToken cancellationToken
    )
    {
        var found = new Dictionary<DailyEventsKey, long>();
        if (keys.Count == 0)
            return found;
        await using var command = new NpgsqlCommand(
            """
            SELECT e.tenant, e.day, e.topic, e.events
            FROM events_daily e JOIN unnest($1::text[], $2::date[], $3::text[]) AS k(tenant, day, topic)
              ON e.tenant = k.tenant AND e.day = k.day AND e.topic = k.topic
            """,
            connection
        );
        command.Parameters.Add(new() { Value = keys.Select(k => k.Tenant).ToArray() });
        command.Parameters.Add(new() { Value = keys.Select(k => k.Day).ToArray() });
        command.Parameters.Add(new() { Value = keys.Select(k => k.Topic).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            found[new DailyEventsKey(reader.GetString(0), reader.GetFieldValue<DateOnly>(1), reader.GetString(2))] =
                reader.GetInt64(3);
        return found;
    }

    /// <summary>Writes the new totals (absolute values, computed under the tenant locks) and the call rows.</summary>
    public static async Task SaveAsync(
        NpgsqlConnection connection,
        IReadOnlyDictionary<DailyUsageKey, DailyUsage> usage,
        IReadOnlyDictionary<DailyEventsKey, long> events,
        IReadOnlyList<StoredCall> calls,
        CancellationToken cancellationToken
    )
    {
        await using var batch = new NpgsqlBatch(connection);
        if (usage.Count > 0)
        {
            var rows = usage.ToList();
            batch.BatchCommands.Add(
                Command(
                    """
                    INSERT INTO usage_daily (tenant, day, model, currency, calls, input_tokens, output_tokens, cost_micros)
                    SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])
                    ON CONFLICT (tenant, day, model, currency) DO UPDATE SET calls = excluded.calls, input_tokens = excluded.input_tokens,
                        output_tokens = excluded.output_tokens, cost_micros = excluded.cost_micros
                    """,
                    rows.Select(r => r.Key.Tenant).ToArray(),
                    rows.Select(r => r.Key.Day).ToArray(),
                    rows.Select(r => r.Key.Model).ToArray(),
                    rows.Select(r => r.Key.Currency).ToArray(),
                    rows.Select(r => r.Value.Calls).ToArray(),
                    rows.Select(r => r.Value.InputTokens).ToArray(),
                    rows.Select(r => r.Value.OutputTokens).ToArray(),
                    rows.Select(r => r.Value.CostMicros).ToArray()
                )
            );
        }
        if (events.Count > 0)
        {
            var rows = events.ToList();
            batch.BatchCommands.Add(
                Command(
                    """
                    INSERT INTO events_daily (tenant, day, topic, events)
                    SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::bigint[])
                    ON CONFLICT (tenant, day, topic) DO UPDATE SET events = excluded.events
                    """,
                    rows.Select(r => r.Key.Tenant).ToArray(),
                    rows.Select(r => r.Key.Day).ToArray(),
                    rows.Select(r => r.Key.Topic).ToArray(),
                    rows.Select(r => r.Value).ToArray()
                )
            );
        }
        if (calls.Count > 0)
        {
            batch.BatchCommands.Add(
                Command(
                    """
                    INSERT INTO llm_calls (event_id, tenant, series, cell, ts, model, input_tokens, output_tokens, cost_micros, currency, latency_ms,
                                           run_id, user_ref_hash, flagged, prompt_sha256, response_sha256, prompt, response, text_kept_because)
                    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::bigint[], $8::bigint[],
                                         $9::bigint[], $10::text[], $11::bigint[], $12::text[], $13::text[], $14::boolean[], $15::bytea[], $16::bytea[],
                                         $17::text[], $18::text[], $19::text[])
                    ON CONFLICT (event_id) DO NOTHING
                    """,
                    calls.Select(c => c.Event.EventId).ToArray(),
                    calls.Select(c => c.Event.Envelope.Tenant).ToArray(),
                    calls.Select(c => c.Event.Envelope.Series).ToArray(),
                    calls.Select(c => c.Event.Envelope.Cell).ToArray(),
                    calls.Select(c => c.Event.Envelope.Ts.ToDateTime()).ToArray(),
                    calls.Select(c => c.Event.Call!.Model).ToArray(),
                    calls.Select(c => c.Event.Call!.InputTokens).ToArray(),
                    calls.Select(c => c.Event.Call!.OutputTokens).ToArray(),
                    calls.Select(c => c.Event.Call!.CostMicros).ToArray(),
                    calls.Select(c => c.Event.Call!.Currency).ToArray(),
                    calls.Select(c => c.Event.Call!.LatencyMs).ToArray(),
                    calls.Select(c => c.Event.Call!.RunId).ToArray(),
                    calls.Select(c => c.Event.Call!.UserRefHash).ToArray(),
                    calls.Select(c => c.Event.Call!.Flagged).ToArray(),
                    calls.Select(c => c.PromptSha256).ToArray(),
                    calls.Select(c => c.ResponseSha256).ToArray(),
                    calls.Select(c => c.TextKeptBecause is null ? null : c.Event.Call!.Prompt).ToArray(),
                    calls.Select(c => c.TextKeptBecause is null ? null : c.Event.Call!.Response).ToArray(),
                    calls.Select(c => c.TextKeptBecause).ToArray()
                )
            );
        }
        if (batch.BatchCommands.Count > 0)
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }
}
