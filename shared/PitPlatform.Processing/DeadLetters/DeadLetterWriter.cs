using System.Text;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using PitPlatform.Contracts;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Identifiers;
using PitPlatform.Contracts.Keys;
using PitPlatform.Infrastructure.Kafka;

namespace PitPlatform.Processing.DeadLetters;

/// <summary>
/// Produces a DeadLetter envelope to pit.v1.ops.dead_letter with the original bytes and where they came from, so a
/// poison record never blocks its partition and can be replayed after a fix. The dead letter's id is derived from
/// the source position, so a batch retried after a crash yields the same dead letter again, not a new one. With a
/// <see cref="DeadLetterLedger"/>, a letter of a known tenant is also noted in Postgres once Kafka has it.
/// </summary>
public class DeadLetterWriter(
    TopicCatalog catalog,
    EnvelopeProducer producer,
    TimeProvider time,
    ILogger<DeadLetterWriter> logger,
    DeadLetterLedger? ledger = null
)
{
    public const string Topic = "pit.v1.ops.dead_letter";

    public virtual async Task<ProducedRecord> WriteAsync(
        ConsumedRecord record,
        string consumerGroup,
        string reason,
        string error,
        EventEnvelope? parsed,
        CancellationToken cancellationToken
    )
    {
        // event_id and tenant in JSON lines when the record's envelope parsed (docs/DEPLOYMENT.md, "Logs").
        logger.LogWarning(
            "{Group}: dead-lettering {Record} ({Reason}): {Error}; event {EventId} tenant {Tenant}",
            consumerGroup,
            record,
            reason,
            error,
            parsed?.EventId ?? "-",
            parsed is { Tenant.Length: > 0 } ? parsed.Tenant : "-"
        );
        PitMetrics.DeadLetters.Add(
            1,
            new KeyValuePair<string, object?>("consumer_group", consumerGroup),
            new KeyValuePair<string, object?>("reason", reason)
        );
        var letter = new DeadLetter
        {
            OriginalValue = Google.Protobuf.ByteString.CopyFrom(record.Value),
            OriginalKey = Google.Protobuf.ByteString.CopyFrom(record.Key ?? []),
            Reason = reason,
            SourceTopic = record.Topic,
            SourcePartition = record.Partition,
            SourceOffset = record.Offset,
            Error = error.Length > 4000 ? error[..4000] : error,
            FirstSeen = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
            ConsumerGroup = consumerGroup,
        };
        // Keep the tenant's key when the record and its envelope agree on a valid one, so tenant-scoped deletion finds
        // its dead letters; a record whose keys disagree is never filed under the tenant it claims.
        var key =
            parsed is not null
            && record.Key is not null
            && Encoding.UTF8.GetString(record.Key) == parsed.Key
            && CanonicalKey.TryParse(parsed.Key, out var k, out _)
            && !k.IsVenue
                ? k
                : CanonicalKey.ForVenue(consumerGroup);
        var id = DeterministicGuid.Create(
            DeterministicGuid.PitNamespace,
            $"dead-letter:{consumerGroup}:{record.Topic}:{record.Partition}:{record.Offset}"
        );
        var envelopes = new EnvelopeBuilder(catalog, PitVersion.Producer(consumerGroup));
        var now = time.GetUtcNow();
        var produced = await producer
            .ProduceAsync(envelopes.Build(id, now, Topic, key, letter), cancellationToken)
            .ConfigureAwait(false);
        if (ledger is not null)
            await ledger
                .RecordAsync(id, record, consumerGroup, reason, key, parsed, now, cancellationToken)
                .ConfigureAwait(false);
        return produced;
    }
}
