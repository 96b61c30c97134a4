using Npgsql;
using PitPlatform.Processing.Idempotency;

namespace PitPlatform.Processing.Nav;

/// <summary>
/// The NAV processor's cell state SQL, all within the caller's transaction: cell locks, and cash and positions. Array
/// parameters with unnest keep it to a handful of round trips per batch.
/// </summary>
internal static class NavStateStore
{
    /// <summary>
    /// Locks <paramref name="cells"/> for the transaction and loads their books, in one round trip. The locks serialise
    /// work on the same cells across processors (a rebalance can briefly overlap two); keys are locked in sorted order,
    /// so two transactions never wait on each other in a cycle. With <paramref name="lookup"/>, a
    /// <see cref="ProcessedEvents.FindCommand"/>, the processed events are looked up in the same round trip, under the
    /// locks; its answer is <c>Seen</c>. <paramref name="alongside"/>, a write of the same transaction that the lookup
    /// should see (raised watermarks), runs after the locks and before the lookup.
    /// </summary>
    public static async Task<(
        Dictionary<CellId, CellBook> Books,
        Dictionary<Guid, ProcessedEvent>? Seen
    )> LockAndLoadBooksAsync(
        NpgsqlConnection connection,
        IReadOnlyCollection<CellId> cells,
        NpgsqlBatchCommand? lookup,
        NpgsqlBatchCommand? alongside,
        CancellationToken cancellationToken
    )
    {
        var cash = cells.ToDictionary(c => c, _ => new List<CashBalance>());
        var positions = cells.ToDictionary(c => c, _ => new List<Position>());
        var (tenants, series, cellNames) = Columns(cells);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(
            Command(
                "SELECT count(pg_advisory_xact_lock(hashtextextended(k, 7))) FROM unnest($1::text[]) AS k",
                [cells.Select(c => c.ToString()).Order(StringComparer.Ordinal).ToArray()]
            )
        );
        if (alongside is not null)
            batch.BatchCommands.Add(alongside);
        if (lookup is not null)
            batch.BatchCommands.Add(lookup);
        batch.BatchCommands.Add(
            Command(
                """
                SELECT c.tenant, c.series, c.cell, c.currency, c.cash_micros, c.fills_applied
                FROM cell_cash c JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(tenant, series, cell)
                  ON c.tenant = k.tenant AND c.series = k.series AND c.cell = k.cell
                """,
                tenants,
                series,
                cellNames
            )
        );
        batch.BatchCommands.Add(
            Command(
                """
                SELECT p.tenant, p.series, p.cell, p.instrument, p.currency, p.quantity, p.last_price_micros
                FROM cell_positions p JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(tenant, series, cell)
                  ON p.tenant = k.tenant AND p.series = k.series AND p.cell = k.cell
                """,
                tenants,
                series,
                cellNames
            )
        );
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        Dictionary<Guid, ProcessedEvent>? seen = null;
        if (lookup is not null)
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            seen = await ProcessedEvents.ReadFoundAsync(reader, capacity: 0, cancellationToken).ConfigureAwait(false);
        }
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            cash[new CellId(reader.GetString(0), reader.GetString(1), reader.GetString(2))]
                .Add(new CashBalance(reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5)));
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            positions[new CellId(reader.GetString(0), reader.GetString(1), reader.GetString(2))]
                .Add(new Position(reader.GetString(3), reader.GetString(4), reader.GetInt64(5), reader.GetInt64(6)));
        return (cells.ToDictionary(c => c, c => new CellBook(cash[c], positions[c])), seen);
    }

    /// <summary>
    /// Writes what changed in <paramref name="books"/> (one batch of two statements), with <paramref name="alongside"/>
    /// (other writes of the same transaction) in the same round trip; with <paramref name="commit"/>, the transaction
    /// commits in that round trip too. A failed statement makes Postgres skip the rest of the batch, COMMIT included,
    /// and the still-open transaction is rolled back when it is disposed.
    /// </summary>
    public static async Task SaveChangesAsync(
        NpgsqlConnection connection,
        IEnumerable<KeyValuePair<CellId, CellBook>> books,
        IEnumerable<NpgsqlBatchCommand?> alongside,
        bool commit,
        CancellationToken cancellationToken
    )
    {
        var cash = books.SelectMany(b => b.Value.ChangedCash.Select(c => (b.Key, c))).ToList();
        var positions = books.SelectMany(b => b.Value.ChangedPositions.Select(p => (b.Key, p))).ToList();
        await using var batch = new NpgsqlBatch(connection);
        foreach (var command in alongside)
        {
            if (command is not null)
                batch.BatchCommands.Add(command);
        }
        if (cash.Count > 0 || positions.Count > 0)
            AddUpserts(batch, cash, positions);
        if (commit)
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        if (batch.BatchCommands.Count > 0)
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AddUpserts(
        NpgsqlBatch batch,
        List<(CellId Key, CashBalance c)> cash,
        List<(CellId Key, Position p)> positions
    )
    {
        batch.BatchCommands.Add(
            Command(
                """
                INSERT INTO cell_cash (tenant, series, cell, currency, cash_micros, fills_applied)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])
                ON CONFLICT (tenant, series, cell, currency) DO UPDATE
                  SET cash_micros = excluded.cash_micros, fills_applied = excluded.fills_applied, updated_at = now()
                """,
                cash.Select(x => x.Key.Tenant).ToArray(),
                cash.Select(x => x.Key.Series).ToArray(),
                cash.Select(x => x.Key.Cell).ToArray(),
                cash.Select(x => x.c.Currency).ToArray(),
                cash.Select(x => x.c.CashMicros).ToArray(),
                cash.Select(x => x.c.FillsApplied).ToArray()
            )
        );
        batch.BatchCommands.Add(
            Command(
                """
                INSERT INTO cell_positions (tenant, series, cell, instrument, currency, quantity, last_price_micros)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[])
                ON CONFLICT (tenant, series, cell, instrument) DO UPDATE
                  SET quantity = excluded.quantity, last_price_micros = excluded.last_price_micros
                """,
                positions.Select(x => x.Key.Tenant).ToArray(),
                positions.Select(x => x.Key.Series).ToArray(),
                positions.Select(x => x.Key.Cell).ToArray(),
                positions.Select(x => x.p.Instrument).ToArray(),
                positions.Select(x => x.p.Currency).ToArray(),
                positions.Select(x => x.p.Quantity).ToArray(),
                positions.Select(x => x.p.LastPriceMicros).ToArray()
            )
        );
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }

    private static (string[], string[], string[]) Columns(IReadOnlyCollection<CellId> cells) =>
        (
            cells.Select(c => c.Tenant).ToArray(),
            cells.Select(c => c.Series).ToArray(),
            cells.Select(c => c.Cell).ToArray()
        );
}
