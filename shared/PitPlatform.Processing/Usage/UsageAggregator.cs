using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Processing.Idempotency;
using PitPlatform.Processing.Nav;
using PitPlatform.Processing.RecentEvents;

namespace PitPlatform.Processing.Usage;

/// <summary>
/// Group usage-aggregator. Stores each LLM call's metadata and the hashes of its prompt and response (the text only
/// when the tenant opted in, the call is flagged, or it is sampled), adds it to the tenant's daily usage per model and
/// currency, and counts every event of its topics per tenant, day and topic for billing. Exactly-once in effect: the
/// processed-event row (consumer, event_id) is written in the transaction that changes the aggregates; the same id
/// with another payload is an idempotency conflict. Each counted event's metadata also goes to recent_events (the
/// console's logs) in the same transaction, and each second record of an event already counted from another position
/// (a client retry the edge accepted twice) goes to deduplicated_deliveries; a replay of the record the event was
/// counted from is no duplicate. Totals are checked: an overflow dead-letters the event.
/// </summary>
public sealed class UsageAggregator(
    NpgsqlDataSource database,
    TopicCatalog catalog,
    DeadLetterWriter deadLetters,
    UsageTextSampling sampling,
    ILogger<UsageAggregator> logger
) : IRecordBatchHandler
{
    public const string Group = "usage-aggregator";
    public const string LlmCallTopic = "pit.v1.runtime.llm_call";

    private readonly EnvelopeValidator _validator = new(catalog);

    public string ConsumerGroup => Group;

    /// <summary>
    /// Billing aggregates are read by the day: a second of gathering turns many small transactions into few.
    /// </summary>
    public TimeSpan BatchWindow => TimeSpan.FromSeconds(1);

    /// <summary>LLM calls, and trade fills to count for billing.</summary>
    public IReadOnlyList<string> Topics { get; } = [LlmCallTopic, NavProcessor.InputTopic];

    public async Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
    {
        var poison = new List<PoisonRecord>();
        var events = new List<UsageEvent>(batch.Count);
        foreach (var record in batch)
        {
            if (Decode(record, poison) is { } decoded)
                events.Add(decoded);
        }
        // Transient Postgres failures propagate: the host retries the batch, nothing is dead-lettered for them.
        if (events.Count > 0)
            await ApplyAsync(events, poison, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(
                poison.Select(p =>
                    deadLetters.WriteAsync(p.Record, Group, p.Reason, p.Error, p.Envelope, cancellationToken)
                )
            )
            .ConfigureAwait(false);
        logger.LogDebug("{Group}: {Events} events, {Poison} dead letters", Group, events.Count, poison.Count);
    }

    private UsageEvent? Decode(ConsumedRecord record, List<PoisonRecord> poison)
    {
        var result = _validator.Validate(record.Value, record.Key, record.Topic);
        if (!result.IsValid)
        {
            poison.Add(new PoisonRecord(record, result.Outcome.ToReason(), result.Detail, result.Envelope));
            return null;
        }
        var envelope = result.Envelope!;
        if (result.Key!.IsVenue)
        {
            poison.Add(
                new PoisonRecord(
                    record,
                    DeadLetterReason.InvalidPayload,
                    "usage is counted per tenant: the key must name one",
                    envelope
                )
            );
            return null;
        }
        var day = DateOnly.FromDateTime(envelope.Ts.ToDateTime());
        if (envelope.PayloadType != PayloadTypes.LlmCall)
            return new UsageEvent(record, envelope, result.EventId, day, null);
        LlmCallEvent call;
        try
        {
            call = LlmCallEvent.Parser.ParseFrom(envelope.Payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            poison.Add(new PoisonRecord(record, DeadLetterReason.InvalidPayload, e.Message, envelope));
            return null;
        }
        if (UsageEvent.Check(call) is { } problem)
        {
            poison.Add(new PoisonRecord(record, DeadLetterReason.InvalidPayload, problem, envelope));
            return null;
        }
        return new UsageEvent(record, envelope, result.EventId, day, call);
    }

    /// <summary>Applies the batch's new events in one transaction, under the locks of their tenants.</summary>
    private async Task ApplyAsync(
        List<UsageEvent> events,
        List<PoisonRecord> poison,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var tenants = events.Select(e => e.Tenant).Distinct().ToList();
        await UsageStore.LockTenantsAsync(connection, tenants, cancellationToken).ConfigureAwait(false);
        // Looked up under the locks: every processed row of these tenants is written by a holder of the same locks.
        var seen = await ProcessedEvents
            .FindAsync(connection, Group, events.Select(e => e.EventId).Distinct().ToArray(), cancellationToken)
            .ConfigureAwait(false);
        var fresh = events.Where(e => !seen.ContainsKey(e.EventId)).ToList();
        var optedIn = await UsageStore
            .LoadTextOptInsAsync(connection, fresh.Select(e => e.Tenant), cancellationToken)
            .ConfigureAwait(false);
        var usage = await UsageStore
            .LoadUsageAsync(
                connection,
                fresh.Where(e => e.Call is not null).Select(UsageKey).Distinct().ToList(),
                cancellationToken
            )
            .ConfigureAwait(false);
        var counts = await UsageStore
            .LoadEventCountsAsync(connection, fresh.Select(EventsKey).Distinct().ToList(), cancellationToken)
            .ConfigureAwait(false);

        var changedUsage = new Dictionary<DailyUsageKey, DailyUsage>();
        var changedCounts = new Dictionary<DailyEventsKey, long>();
        var calls = new List<StoredCall>();
        var rows = new List<ProcessedEventRow>();
        var appliedNow = new Dictionary<Guid, UsageEvent>();
        var accepted = new List<UsageEvent>();
        var duplicates = new List<UsageEvent>();
        foreach (var e in events)
        {
            var sha = e.Envelope.PayloadSha256;
            if (seen.TryGetValue(e.EventId, out var earlier) || appliedNow.ContainsKey(e.EventId))
            {
                var earlierSha = earlier?.PayloadSha256 ?? appliedNow[e.EventId].Envelope.PayloadSha256.ToByteArray();
                if (!earlierSha.AsSpan().SequenceEqual(sha.Span))
                    poison.Add(
                        new PoisonRecord(
                            e.Record,
                            DeadLetterReason.IdempotencyConflict,
                            $"event {e.EventId} was counted before with another payload",
                            e.Envelope
                        )
                    );
                else if (
                    earlier?.IsOtherRecordThan(e.Record) ?? IsOtherPosition(appliedNow[e.EventId].Record, e.Record)
                )
                    duplicates.Add(e);
                continue;
            }
            var countKey = EventsKey(e);
            long newCount;
            DailyUsage? newUsage = null;
            try
            {
                newCount = checked(Current(changedCounts, counts, countKey) + 1);
                if (e.Call is { } call)
                {
                    var usageKey = UsageKey(e);
                    var current = changedUsage.TryGetValue(usageKey, out var c)
                        ? c
                        : usage.GetValueOrDefault(usageKey, DailyUsage.Zero);
                    newUsage = current.Add(1, call.InputTokens, call.OutputTokens, call.CostMicros);
                }
            }
            catch (OverflowException)
            {
                poison.Add(
                    new PoisonRecord(
                        e.Record,
                        DeadLetterReason.ArithmeticOverflow,
                        "a daily usage total would exceed the 64-bit range",
                        e.Envelope
                    )
                );
                continue;
            }
            changedCounts[countKey] = newCount;
            if (newUsage is not null)
            {
                changedUsage[UsageKey(e)] = newUsage;
                var sampled = sampling.Includes(e.EventId, e.Call!.RunId);
                calls.Add(
                    new StoredCall(
                        e,
                        Sha256(e.Call.Prompt),
                        Sha256(e.Call.Response),
                        TextKeptBecause.Decide(optedIn.Contains(e.Tenant), e.Call.Flagged, sampled)
                    )
                );
            }
            appliedNow[e.EventId] = e;
            accepted.Add(e);
            rows.Add(new ProcessedEventRow(e.EventId, sha.ToByteArray(), null, e.Record));
        }

        await UsageStore
            .SaveAsync(connection, changedUsage, changedCounts, calls, cancellationToken)
            .ConfigureAwait(false);
        await RecentEventsWriter.WriteAsync(connection, accepted, cancellationToken).ConfigureAwait(false);
        await DeduplicatedDeliveries.WriteAsync(connection, Group, duplicates, cancellationToken).ConfigureAwait(false);
        await ProcessedEvents.WriteAsync(connection, Group, rows, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static bool IsOtherPosition(ConsumedRecord a, ConsumedRecord b) =>
        (a.Topic, a.Partition, a.Offset) != (b.Topic, b.Partition, b.Offset);

    private static long Current(
        Dictionary<DailyEventsKey, long> changed,
        Dictionary<DailyEventsKey, long> stored,
        DailyEventsKey key
    ) => changed.TryGetValue(key, out var count) ? count : stored.GetValueOrDefault(key);

    private static DailyUsageKey UsageKey(UsageEvent e) => new(e.Tenant, e.Day, e.Call!.Model, e.Call.Currency);

    private static DailyEventsKey EventsKey(UsageEvent e) => new(e.Tenant, e.Day, e.Record.Topic);

    private static byte[] Sha256(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));
}
