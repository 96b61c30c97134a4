using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Events.V1;

namespace PitPlatform.Processing.DeadLetters;

/// <summary>
/// A dead letter as read back from pit.v1.ops.dead_letter: where it lies, its envelope and its payload.
/// </summary>
public sealed record StoredDeadLetter(int Partition, long Offset, EventEnvelope Envelope, DeadLetter Letter)
{
    /// <summary>
    /// The original record's event_id, when its bytes are an envelope; null for records that never were.
    /// </summary>
    public string? OriginalEventId
    {
        get
        {
            try
            {
                var id = EventEnvelope.Parser.ParseFrom(Letter.OriginalValue).EventId;
                return id.Length > 0 ? id : null;
            }
            catch (Google.Protobuf.InvalidProtocolBufferException)
            {
                // The poison was not an envelope at all (reason not_envelope): there is no id to show.
                return null;
            }
        }
    }

    public DateTimeOffset FirstSeen => Letter.FirstSeen.ToDateTimeOffset();

    /// <summary>
    /// The record the letter was made for: one replay per source record, whichever groups dead-lettered it.
    /// </summary>
    public (string Topic, int Partition, long Offset) Source =>
        (Letter.SourceTopic, Letter.SourcePartition, Letter.SourceOffset);

    /// <summary>
    /// The first line of the error, cut to <paramref name="length"/> characters, for one-line listings.
    /// </summary>
    public string ErrorHead(int length = 80)
    {
        var line = Letter.Error.Split('\n', 2)[0].Trim();
        return line.Length <= length ? line : line[..(length - 3)] + "...";
    }
}
