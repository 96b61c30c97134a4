using Npgsql;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Keys;
using PitPlatform.Processing.Nav;

namespace PitPlatform.Governance.Deletion;

/// <summary>
/// The Postgres side of a deletion: one method per step, each inside the transaction that also records the step as
/// done, so a step's rows go exactly once whatever restarts. Tenant data lives in nav_points and nav_rollups,
/// cell_cash and cell_positions, llm_calls, recent_events (with deduplicated_deliveries and dead_lettered_events) and
/// event_counts_daily, usage_daily and events_daily (tenant
/// deletions only: they hold no series, cell or subject), and the NAV updates the NAV processor keeps in
/// processed_events.output. API keys, redaction settings and the audit trail are the account's, not its data, and stay.
/// </summary>
public static class DeletionPurges
{
    private const string Where =
        "tenant = $1 AND ($2::text IS NULL OR series = $2) AND ($3::text IS NULL OR cell = $3)";

    /// <summary>
    /// The canonical keys the scope's data was produced under (for tombstones), read before anything is purged.
    /// </summary>
    public static async Task<IReadOnlyList<string>> CollectKeysAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenant,
        DeletionScope scope,
        CancellationToken cancellationToken
    )
    {
        if (scope.Kind == DeletionScope.SubjectKind)
            return [];
        await using var command = new NpgsqlCommand(
            $"""
            SELECT series, cell FROM cell_cash WHERE {Where}
            UNION SELECT series, cell FROM cell_positions WHERE {Where}
            UNION SELECT DISTINCT series, cell FROM nav_points WHERE {Where}
            UNION SELECT DISTINCT series, cell FROM llm_calls WHERE {Where}
            ORDER BY 1, 2
            """,
            connection,
            transaction
        );
        AddScope(command, tenant, scope);
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            keys.Add(
                CanonicalKey
                    .For(tenant, reader.GetString(0), reader.GetString(1) is { Length: > 0 } cell ? cell : null)
                    .ToString()
            );
        return keys;
    }

    public static async Task<Dictionary<string, long>> NavPointsAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenant,
        DeletionScope scope,
        CancellationToken cancellationToken
    )
    {
        if (scope.Kind == DeletionScope.SubjectKind)
            return new() { ["postgres.nav_points"] = 0, ["postgres.nav_rollups"] = 0 };
        return new()
        {
            ["postgres.nav_points"] = await DeleteAsync(
                    connection,
                    transaction,
                    "nav_points",
                    tenant,
                    scope,
                    cancellationToken
                )
                .ConfigureAwait(false),
            // The rollups are kept by an insert trigger only: deleted points leave them behind unless they go too.
            ["postgres.nav_rollups"] = await DeleteAsync(
                    connection,
                    transaction,
                    "nav_rollups",
                    tenant,
                    scope,
                    cancellationToken
                )
                .ConfigureAwait(false),
        };
    }

    public static async Task<Dictionary<string, long>> CellStateAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenant,
        DeletionScope scope,
        CancellationToken cancellationToken
    )
    {
        if (scope.Kind == DeletionScope.SubjectKind)
            return new() { ["postgres.cell_cash"] = 0, ["postgres.cell_positions"] = 0 };
        return new()
        {
            ["postgres.cell_cash"] = await DeleteAsync(
                    connection,
                    transaction,
                    "cell_cash",
                    tenant,
                    scope,
                    cancellationToken
                )
                .ConfigureAwait(false),
            ["postgres.cell_positions"] = await DeleteAsync(
                    connection,
                    transaction,
                    "cell_positions",
                    tenant,
                    scope,
                    cancellationToken
                )
                .ConfigureAwait(false),
        };
    }

    /// <summary>
    /// An LLM call's row, the console's recent-events rows (trade fills and calls) of the scope with their
    /// deduplicated deliveries and dead letters, and what those added to the overview's daily counts.
    /// </summary>
    public static async Task<Dictionary<string, long>> LlmCallsAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenant,
        DeletionScope scope,
        CancellationToken cancellationToken
    )
    {
        // The overview's daily counts lose what the recent_events rows going now added (all of them for a tenant).
        var dailyCounts = scope.Kind switch
        {
            DeletionScope.Tenant => await DailyCountsPurge
                .RemoveTenantAsync(connection, transaction, tenant, cancellationToken)
                .ConfigureAwait(false),
            DeletionScope.SubjectKind => await DailyCountsPurge
                .SubtractAsync(
                    connection,
                    transaction,
                    tenant,
                    "tenant = $1 AND user_ref_hash = $2",
                    c =>
                    {
                        c.Parameters.Add(new() { Value = tenant });
                        c.Parameters.Add(new() { Value = scope.Subject! });
                    },
                    cancellationToken
                )
                .ConfigureAwait(false),
            _ => await DailyCountsPurge
                .SubtractAsync(
                    connection,
                    transaction,
                    tenant,
                    Where,
                    c => AddScope(c, tenant, scope),
                    cancellationToken
                )
                .ConfigureAwait(false),
        };
        if (scope.Kind != DeletionScope.SubjectKind)
            return new()
            {
                ["postgres.event_counts_daily"] = dailyCounts,
                // Dead letters hold no subject: they go with tenant, series and cell deletions.
                ["postgres.dead_lettered_events"] = await DeleteAsync(
                        connection,
                        transaction,
                        "dead_lettered_events",
                        tenant,
                        scope,
                        cancellationToken
                    )
                    .ConfigureAwait(false),
                ["postgres.deduplicated_deliveries"] = await DeleteAsync(
                        connection,
                        transaction,
                        "deduplicated_deliveries",
                        tenant,
                        scope,
                        cancellationToken
                    )
                    .ConfigureAwait(false),
                ["postgres.llm_calls"] = await DeleteAsync(
                        connection,
                        transaction,
                        "llm_calls",
                        tenant,
                        scope,
                        cancellationToken
                    )
                    .ConfigureAwait(false),
                ["postgres.recent_events"] = await DeleteAsync(
                        connection,
                        transaction,
                        "recent_events",
                        tenant,
                        scope,
                        cancellationToken
                    )
                    .ConfigureAwait(false),
            };
        var counts = new Dictionary<string, long>
        {
            ["postgres.event_counts_daily"] = dailyCounts,
            ["postgres.dead_lettered_events"] = 0,
        };
        foreach (var table in new[] { "deduplicated_deliveries", "llm_calls", "recent_events" })
        {
            await using var command = new NpgsqlCommand(
                $"DELETE FROM {table} WHERE tenant = $1 AND user_ref_hash = $2",
                connection,
                transaction
            );
            command.Parameters.Add(new() { Value = tenant });
            command.Parameters.Add(new() { Value = scope.Subject! });
            counts[$"postgres.{table}"] = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return counts;
    }

    /// <summary>
    /// Daily totals (usage, billing counts, refused events) are per tenant only (no series, cell or subject): they go
    /// with a tenant deletion.
    /// </summary>
    public static async Task<Dictionary<string, long>> UsageTotalsAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenant,
        DeletionScope scope,
        CancellationToken cancellationToken
    )
    {
        var tables = new[] { "usage_daily", "events_daily", "ingest_refusals_daily" };
        var counts = tables.ToDictionary(t => $"postgres.{t}", _ => 0L);
        if (scope.Kind != DeletionScope.Tenant)
            return counts;
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand(
                $"DELETE FROM {table} WHERE tenant = $1",
                connection,
                transaction
            );
            command.Parameters.Add(new() { Value = tenant });
            counts[$"postgres.{table}"] = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return counts;
    }

    /// <summary>
    /// Clears the NAV updates the NAV processor stored for re-emission (they carry the scope's NAV). The idempotency
    /// row itself stays, without data, so a redelivered fill is still recognised and not applied again.
    /// </summary>
    public static async Task<Dictionary<string, long>> ProcessedOutputsAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenant,
        DeletionScope scope,
        CancellationToken cancellationToken
    )
    {
        if (scope.Kind == DeletionScope.SubjectKind)
            return new() { ["postgres.processed_event_outputs"] = 0 };
        var needle = scope.Kind switch
        {
            DeletionScope.Tenant => $"t/{tenant}/s/",
            DeletionScope.SeriesKind => CanonicalKey.ForSeries(tenant, scope.Series!).ToString(),
            _ => CanonicalKey.ForCell(tenant, scope.Series!, scope.Cell!).ToString(),
        };
        var matches = new List<Guid>();
        await using (
            var command = new NpgsqlCommand(
                """
                SELECT event_id, output FROM processed_events
                WHERE consumer = $1 AND output IS NOT NULL AND position(convert_to($2, 'UTF8') IN output) > 0
                """,
                connection,
                transaction
            )
        )
        {
            command.Parameters.Add(new() { Value = NavProcessor.Group });
            command.Parameters.Add(new() { Value = needle });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // The byte search only narrows: the envelope's own fields decide (t/a/s/b must not match t/a/s/bb).
                var envelope = EventEnvelope.Parser.ParseFrom(reader.GetFieldValue<byte[]>(1));
                if (
                    envelope.Tenant == tenant
                    && (scope.Series is null || envelope.Series == scope.Series)
                    && (scope.Cell is null || envelope.Cell == scope.Cell)
                )
                    matches.Add(reader.GetGuid(0));
            }
        }
        if (matches.Count == 0)
            return new() { ["postgres.processed_event_outputs"] = 0 };
        await using var clear = new NpgsqlCommand(
            "UPDATE processed_events SET output = NULL WHERE consumer = $1 AND event_id = ANY($2)",
            connection,
            transaction
        );
        clear.Parameters.Add(new() { Value = NavProcessor.Group });
        clear.Parameters.Add(new() { Value = matches.ToArray() });
        return new()
        {
            ["postgres.processed_event_outputs"] = await clear
                .ExecuteNonQueryAsync(cancellationToken)
                .ConfigureAwait(false),
        };
    }

    private static async Task<long> DeleteAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string table,
        string tenant,
        DeletionScope scope,
        CancellationToken cancellationToken
    )
    {
        await using var command = new NpgsqlCommand($"DELETE FROM {table} WHERE {Where}", connection, transaction);
        AddScope(command, tenant, scope);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AddScope(NpgsqlCommand command, string tenant, DeletionScope scope)
    {
        command.Parameters.Add(new() { Value = tenant });
        command.Parameters.Add(
            new() { Value = (object?)scope.Series ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
        );
        command.Parameters.Add(
            new() { Value = (object?)scope.Cell ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
        );
    }
}
