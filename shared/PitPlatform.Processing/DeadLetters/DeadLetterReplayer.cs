using System.Text;
using Microsoft.Extensions.Logging;
using PitPlatform.Infrastructure.Kafka;

namespace PitPlatform.Processing.DeadLetters;

/// <summary>
/// Puts dead letters' original records back on their source topics, key and value byte for byte, once per source
/// record however many groups dead-lettered it. Consumers deduplicate on event_id, so a replay of a record that was
/// applied meanwhile, or a second replay, changes nothing. Each replayed record carries a pit-replay-of header naming
/// the dead letter, for tracing.
/// </summary>
public sealed class DeadLetterReplayer(EnvelopeProducer producer, ILogger<DeadLetterReplayer> logger)
{
    public const string ReplayHeader = "pit-replay-of";

    /// <summary>The letters one replay would re-produce: one per source record, in the order given.</summary>
    public static IReadOnlyList<StoredDeadLetter> Choose(IEnumerable<StoredDeadLetter> letters) =>
        letters.DistinctBy(l => l.Source).ToList();

    /// <param name="replayed">Told of each record as soon as Kafka acknowledged it, so a replay that fails part-way
    /// still reports what it re-produced.</param>
    public async Task<IReadOnlyList<ProducedRecord>> ReplayAsync(
        IEnumerable<StoredDeadLetter> letters,
        CancellationToken cancellationToken,
        Action<StoredDeadLetter, ProducedRecord>? replayed = null
    )
    {
        var produced = new List<ProducedRecord>();
        // One at a time, in order: records of one key keep their relative order on the source partition.
        foreach (var letter in Choose(letters))
        {
            var key = letter.Letter.OriginalKey.Length == 0 ? null : letter.Letter.OriginalKey.ToByteArray();
            var record = await producer
                .ProduceRawAsync(
                    letter.Letter.SourceTopic,
                    key,
                    letter.Letter.OriginalValue.ToByteArray(),
                    [new(ReplayHeader, Encoding.UTF8.GetBytes(letter.Envelope.EventId))],
                    cancellationToken
                )
                .ConfigureAwait(false);
            logger.LogInformation(
                "replayed dead letter {Letter} ({Reason}) of {Source} to {Topic}[{Partition}]@{Offset}",
                letter.Envelope.EventId,
                letter.Letter.Reason,
                letter.Source,
                record.Topic,
                record.Partition,
                record.Offset
            );
            produced.Add(record);
            replayed?.Invoke(letter, record);
        }
        return produced;
    }
}
