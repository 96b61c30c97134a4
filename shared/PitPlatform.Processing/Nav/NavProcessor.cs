using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Contracts;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Identifiers;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Processing.Idempotency;
using PitPlatform.Processing.RecentEvents;
using PitPlatform.Processing.Usage;

namespace PitPlatform.Processing.Nav;

/// <summary>
/// Applies trade fills to their cell's cash and positions and emits the cell's NAV. Exactly-once in effect over an
/// at-least-once log: the processed-event row (consumer, event_id) is written in the same transaction as the state,
/// together with the NAV update it produced; a redelivered fill changes nothing and re-emits that identical update
/// unless Kafka already acknowledged it; a record replayed at a position already handled is skipped outright
/// (<see cref="ConsumerWatermarks"/>). NAV updates are acknowledged by Kafka, and the state committed, before the
/// handler returns, so the host commits offsets last; a small group, whose updates are final once computed under its
/// cells' locks, produces them while its write is in flight.
/// </summary>
public sealed class NavProcessor(
    NpgsqlDataSource database,
    TopicCatalog catalog,
    EnvelopeProducer producer,
    DeadLetterWriter deadLetters,
    ILogger<NavProcessor> logger
) : IRecordBatchHandler, IAsyncDisposable, IDisposable
{
    public const string Group = "nav-processor";
    public const string InputTopic = "pit.v1.exec.trade_fill";
    public const string OutputTopic = "pit.v1.acct.nav_update";

    private readonly EnvelopeValidator _validator = new(catalog);
    private readonly EnvelopeBuilder _envelopes = new(catalog, PitVersion.Producer(Group));
    private readonly WatermarkCache _watermarks = new(Group, logger: logger);

    public string ConsumerGroup => Group;
    public IReadOnlyList<string> Topics { get; } = [InputTopic];

    public async Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
    {
        var poison = new List<PoisonRecord>();
        var fills = new List<TradeFillRecord>(batch.Count);
        var watermarks = await _watermarks.LoadAsync(database, batch, cancellationToken).ConfigureAwait(false);
        var pending = batch.Where(r => !watermarks.WasHandled(r)).ToList();
        if (pending.Count == 0)
            return;
        foreach (var record in pending)
        {
            var checkedRecord = Decode(record, out var reason, out var error, out var envelope);
            if (checkedRecord is null)
                poison.Add(new PoisonRecord(record, reason, error, envelope));
            else
                fills.Add(checkedRecord);
        }

        // Cells are independent: groups of whole cells are applied concurrently, each in its own transaction, and each
        // group produces its NAV updates as soon as it committed, so one group's Postgres work overlaps another's wait
        // for Kafka's acknowledgements. A cell's fills stay in one group, in offset order, so per-key order holds.
        // Small batches (the latency case) stay in one transaction: splitting them only multiplies round trips.
        var groupCount = Math.Clamp(fills.Count / FillsPerGroup, 1, Parallelism);
        var groups = fills
            .GroupBy(f => (f.Cell.GetHashCode() & int.MaxValue) % groupCount)
            .Select(g => g.ToList())
            .ToList();
        var applied = await Task.WhenAll(groups.Select((g, i) => ApplyAndEmitAsync(g, (short)i, cancellationToken)))
            .ConfigureAwait(false);
        poison.AddRange(applied.SelectMany(a => a.Poison));
        await Task.WhenAll(
                poison.Select(p =>
                    deadLetters.WriteAsync(p.Record, Group, p.Reason, p.Error, p.Envelope, cancellationToken)
                )
            )
            .ConfigureAwait(false);
        // Any NAV update Kafka did not take fails the batch: nothing is committed and the redelivered fills
        // re-emit their stored updates.
        if (applied.SelectMany(a => a.Produced).FirstOrDefault(o => !o.IsStored) is { Error: { } failure })
            throw failure;
        // A small batch (the latency case) leaves its marks to the next batch's first round trip, or to the cache's
        // timer; a large one stores them now, as one more round trip is nothing to it.
        if (fills.Count <= SmallGroupFills)
            _watermarks.Defer(database, pending);
        else
            await _watermarks.AdvanceAsync(database, pending, cancellationToken).ConfigureAwait(false);
        logger.LogDebug(
            "{Group}: {Fills} fills, {Outputs} NAV updates emitted, {Poison} dead letters",
            Group,
            fills.Count,
            applied.Sum(a => a.Outputs.Count),
            poison.Count
        );
    }

    private async Task<GroupResult> ApplyAndEmitAsync(
        List<TradeFillRecord> fills,
        short slot,
        CancellationToken cancellationToken
    )
    {
        var result = await ApplyAsync(fills, slot, cancellationToken).ConfigureAwait(false);
        result.Produced = await result.Emit(producer).ConfigureAwait(false);
        return result;
    }

    /// <summary>Stores the watermarks small batches deferred (the host stops the consumers first).</summary>
    public ValueTask DisposeAsync() => _watermarks.DisposeAsync();

    /// <summary>
    /// As <see cref="DisposeAsync"/>, for a container disposed synchronously (which refuses async-only services).
    /// </summary>
    public void Dispose() => _watermarks.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Most concurrent transactions per batch (groups of cells).</summary>
    public const int Parallelism = 4;

    /// <summary>Fills a group should have before a batch is split further.</summary>
    private const int FillsPerGroup = 250;

    /// <summary>Groups up to this size take the fewest round trips (see <see cref="ApplyAsync"/>).</summary>
    private const int SmallGroupFills = 100;

    private TradeFillRecord? Decode(
        ConsumedRecord record,
        out string reason,
        out string error,
        out EventEnvelope? envelope
    )
    {
        var result = _validator.Validate(record.Value, record.Key, record.Topic);
        reason = result.Outcome.ToReason();
        error = result.Detail;
        envelope = result.Envelope;
        if (!result.IsValid)
            return null;
        reason = DeadLetterReason.InvalidPayload;
        if (result.Envelope!.PayloadType != PayloadTypes.TradeFill || result.Key!.Cell is null)
        {
            error = "a trade fill must be a cell-scoped TradeFillEvent";
            return null;
        }
        TradeFillEvent fill;
        try
        {
            fill = TradeFillEvent.Parser.ParseFrom(result.Envelope.Payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            error = e.Message;
            return null;
        }
        if (TradeFillRecord.Check(fill) is { } problem)
        {
            error = problem;
            return null;
        }
        return new TradeFillRecord(record, result.Envelope, result.EventId, result.Key, fill);
    }

    /// <summary>
    /// Applies one group's new fills in one transaction and returns, in offset order, the NAV updates to emit: those
    /// of the fills applied now and the stored ones of repeats Kafka may not have acknowledged yet.
    /// </summary>
    private async Task<GroupResult> ApplyAsync(
        List<TradeFillRecord> fills,
        short slot,
        CancellationToken cancellationToken
    )
    {
        var result = new GroupResult(fills.Count);
        var updates = new (EventEnvelope Envelope, byte[] Bytes)?[fills.Count];
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var eventIds = fills.Select(f => f.EventId).Distinct().ToArray();
        var small = fills.Count <= SmallGroupFills;
        // A small group is the latency case, where round trips are the cost: its cells are locked, its fills looked up
        // and its books loaded in one. A large one is looked up before taking any lock, so that a replay of processed
        // fills never touches the cells at all.
        await using var tx = small
            ? await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false)
            : null;
        // It also stores the watermarks earlier small batches deferred, before its lookup reads them, and commits them.
        var carried = small ? _watermarks.TakePending() : [];
        try
        {
            var (books, seen) = small
                ? await NavStateStore
                    .LockAndLoadBooksAsync(
                        connection,
                        fills.Select(f => f.Cell).Distinct().ToList(),
                        ProcessedEvents.FindCommand(Group, eventIds),
                        carried.Count > 0 ? ConsumerWatermarks.AdvanceCommand(Group, carried) : null,
                        cancellationToken
                    )
                    .ConfigureAwait(false)
                : (
                    null,
                    await ProcessedEvents
                        .FindAsync(connection, Group, eventIds, cancellationToken)
                        .ConfigureAwait(false)
                );
            var fresh = Enumerable.Range(0, fills.Count).Where(i => !seen!.ContainsKey(fills[i].EventId)).ToList();
            if (fresh.Count > 0)
                await ApplyFreshAsync(
                        connection,
                        tx,
                        books,
                        fills,
                        fresh,
                        updates,
                        seen!,
                        result,
                        slot,
                        cancellationToken
                    )
                    .ConfigureAwait(false);
            else
            {
                CollectOutputs(fills, updates, seen!, result);
                if (tx is not null)
                    await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            _watermarks.Stored(carried);
            return result;
        }
        catch when (carried.Count > 0)
        {
            _watermarks.Return(database, carried);
            throw;
        }
    }

    /// <summary>
    /// The group's outputs in offset order: the NAV updates of the fills applied now, and the stored ones of repeats
    /// Kafka may not have acknowledged yet; a repeat with another payload is a conflict.
    /// </summary>
    private static void CollectOutputs(
        List<TradeFillRecord> fills,
        (EventEnvelope Envelope, byte[] Bytes)?[] updates,
        Dictionary<Guid, ProcessedEvent> seen,
        GroupResult result
    )
    {
        var emitted = new HashSet<Guid>();
        for (var i = 0; i < fills.Count; i++)
        {
            var fill = fills[i];
            if (updates[i] is { } update)
            {
                if (emitted.Add(fill.EventId))
                    result.AddOutput(update.Envelope, update.Bytes);
            }
            else if (seen!.TryGetValue(fill.EventId, out var earlier))
            {
                if (!earlier.PayloadSha256.AsSpan().SequenceEqual(fill.Envelope.PayloadSha256.Span))
                    result.Poison.Add(
                        new PoisonRecord(
                            fill.Record,
                            DeadLetterReason.IdempotencyConflict,
                            $"event {fill.EventId} was applied before with another payload",
                            fill.Envelope
                        )
                    );
                else if (earlier.OutputToReemit is { } stored && emitted.Add(fill.EventId))
                    result.AddOutput(EventEnvelope.Parser.ParseFrom(stored), stored);
            }
        }
    }

    /// <summary>
    /// Locks the cells of the fills at <paramref name="fresh"/> (unless <paramref name="lockedTx"/> holds them and
    /// <paramref name="lockedBooks"/> are theirs), applies them, collects the group's outputs, and commits state and
    /// processed rows together.
    /// </summary>
    private async Task ApplyFreshAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? lockedTx,
        Dictionary<CellId, CellBook>? lockedBooks,
        List<TradeFillRecord> fills,
        List<int> fresh,
        (EventEnvelope Envelope, byte[] Bytes)?[] updates,
        Dictionary<Guid, ProcessedEvent> seen,
        GroupResult result,
        short slot,
        CancellationToken cancellationToken
    )
    {
        var poison = result.Poison;
        await using var ownTx = lockedTx is null
            ? await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false)
            : null;
        var tx = lockedTx ?? ownTx!;
        // A large group's lookup was not under the locks, and is not repeated: if another consumer (a rebalance)
        // applied one of these fills meanwhile, its processed row makes our write fail on the primary key, the
        // transaction rolls back, and the retried batch finds the fill processed.
        var books = lockedBooks
            ?? (
                await NavStateStore
                    .LockAndLoadBooksAsync(
                        connection,
                        fresh.Select(i => fills[i].Cell).Distinct().ToList(),
                        null,
                        null,
                        cancellationToken
                    )
                    .ConfigureAwait(false)
            ).Books;

        var rows = new List<ProcessedEventRow>(fresh.Count);
        // The NAV each cell is left at by this transaction, for the NAV metric once it commits (one point per cell and
        // batch, not per fill: the chart reads a minute's maximum); kept only while someone listens.
        var navs = PitMetrics.NavValue.Enabled ? new Dictionary<CellId, NavSnapshot>() : null;
        var appliedNow = new Dictionary<Guid, ReadOnlyMemory<byte>>();
        var appliedKeys = new List<DailyEventKey>(fresh.Count);
        foreach (var i in fresh)
        {
            var fill = fills[i];
            if (appliedNow.TryGetValue(fill.EventId, out var firstSha))
            {
                // The same event twice in one batch: applied once; another payload under its id is a conflict.
                if (!firstSha.Span.SequenceEqual(fill.Envelope.PayloadSha256.Span))
                    poison.Add(
                        new PoisonRecord(
                            fill.Record,
                            DeadLetterReason.IdempotencyConflict,
                            $"event {fill.EventId} was applied before with another payload",
                            fill.Envelope
                        )
                    );
                continue;
            }
            NavSnapshot nav;
            try
            {
                nav = books[fill.Cell].Apply(fill.Fill);
            }
            catch (OverflowException)
            {
                poison.Add(
                    new PoisonRecord(
                        fill.Record,
                        DeadLetterReason.ArithmeticOverflow,
                        "an amount exceeds 64-bit micros",
                        fill.Envelope
                    )
                );
                continue;
            }
            catch (InvalidFillException e)
            {
                poison.Add(new PoisonRecord(fill.Record, DeadLetterReason.InvalidFill, e.Message, fill.Envelope));
                continue;
            }
            var update = NavUpdate(fill, nav);
            var bytes = update.ToByteArray();
            if (navs is not null)
                navs[fill.Cell] = nav;
            updates[i] = (update, bytes);
            appliedNow[fill.EventId] = fill.Envelope.PayloadSha256.Memory;
            appliedKeys.Add(
                new DailyEventKey(
                    fill.Cell.Tenant,
                    DateOnly.FromDateTime(fill.Envelope.Ts.ToDateTime()),
                    RecentEventsWriter.TypeOf(fill.Record.Topic)
                )
            );
            rows.Add(
                new ProcessedEventRow(fill.EventId, fill.Envelope.PayloadSha256.ToByteArray(), bytes, fill.Record)
            );
        }

        CollectOutputs(fills, updates, seen, result);
        // Looked up under the locks, these updates are final once computed: a write that fails leaves the state as it
        // was, and the redelivery computes the same updates, ids and bytes, which consumers deduplicate. So they go
        // to Kafka now and its acknowledgement overlaps the write round trip. A large group's lookup was not under
        // the locks (a rebalance may have applied a fill meanwhile, and the write then fails), so it emits only
        // after its commit. So does a group whose write Postgres may refuse for its data (see WriteIsSafe): the
        // refused fill is dead-lettered and its cell's later fills applied without it, so updates computed with it
        // would be wrong, and their ids would make consumers keep them.
        if (lockedTx is not null && WriteIsSafe(fills, fresh))
            _ = result.Emit(producer);

        // A few processed rows ride in the state's round trip, and the commit with them; many go by COPY, then commit.
        // The overview's per-day count of applied fills rides in the same round trip, one row per tenant and day, in
        // this group's own slot so the batch's concurrent groups never wait on each other's row.
        var insertRows = rows.Count is > 0 and <= SmallGroupFills ? ProcessedEvents.InsertCommand(Group, rows) : null;
        var dailyCounts = DailyEventCounts.UpsertCommand(appliedKeys, DailyEventCounts.Applied, slot);
        await NavStateStore
            .SaveChangesAsync(
                connection,
                books,
                [insertRows, dailyCounts],
                commit: insertRows is not null,
                cancellationToken
            )
            .ConfigureAwait(false);
        if (insertRows is null)
        {
            await ProcessedEvents.WriteAsync(connection, Group, rows, cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        if (navs is not null)
            RecordNavValues(navs);
    }

    /// <summary>
    /// Longest instrument a small group emits before its write: far below the primary key's index limit.
    /// </summary>
    private const int MaxSpeculativeInstrumentLength = 256;

    /// <summary>
    /// Whether the fills' write can fail only for reasons outside them (then it is retried with the same fills and
    /// yields the same updates). The instrument is the one free text a fill writes (keys and currencies are checked):
    /// Postgres refuses a NUL in text (22021) and an index entry over its limit (54000). A few nanoseconds per fill,
    /// for small groups only.
    /// </summary>
    private static bool WriteIsSafe(List<TradeFillRecord> fills, List<int> fresh)
    {
        foreach (var i in fresh)
        {
            var instrument = fills[i].Fill.Instrument;
            if (instrument.Length > MaxSpeculativeInstrumentLength || instrument.Contains('\0'))
                return false;
        }
        return true;
    }

    /// <summary>The NAV each committed batch left its cells at (the workbook's NAV chart).</summary>
    private static void RecordNavValues(Dictionary<CellId, NavSnapshot> navs)
    {
        foreach (var (cell, nav) in navs)
        {
            PitMetrics.NavValue.Record(
                nav.NavMicros,
                new KeyValuePair<string, object?>("tenant", cell.Tenant),
                new KeyValuePair<string, object?>("series", cell.Series),
                new KeyValuePair<string, object?>("cell", cell.Cell),
                new KeyValuePair<string, object?>("currency", nav.Currency)
            );
        }
    }

    private EventEnvelope NavUpdate(TradeFillRecord fill, NavSnapshot nav) =>
        _envelopes.Build(
            DeterministicGuid.ForDerivedEvent(fill.EventId, Group),
            fill.Envelope.Ts.ToDateTimeOffset(),
            OutputTopic,
            fill.Key,
            new NAVUpdateEvent
            {
                Currency = nav.Currency,
                NavMicros = nav.NavMicros,
                CashMicros = nav.CashMicros,
                PositionsValueMicros = nav.PositionsValueMicros,
                SourceEventId = fill.EventId.ToString("D"),
                FillsApplied = nav.FillsApplied,
            },
            // The fill's own context, not the batch span's: the update is stored and re-emitted byte for byte, and its
            // consumers continue the fill's trace (docs/DEPLOYMENT.md, "Traces").
            fill.Envelope.Traceparent.Length > 0
                ? fill.Envelope.Traceparent
                : null,
            fill.Envelope.Tracestate.Length > 0 ? fill.Envelope.Tracestate : null
        );
}
