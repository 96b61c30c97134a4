namespace PitPlatform.Processing.DeadLetters;

/// <summary>
/// Which dead letters an operator means: by reason, first seen at or after a time, source topic and group.
/// </summary>
public sealed record DeadLetterFilter(
    string? Reason = null,
    DateTimeOffset? Since = null,
    string? SourceTopic = null,
    string? ConsumerGroup = null
)
{
    public bool Matches(StoredDeadLetter letter) =>
        (Reason is null || string.Equals(letter.Letter.Reason, Reason, StringComparison.Ordinal))
        && (Since is null || letter.FirstSeen >= Since)
        && (SourceTopic is null || string.Equals(letter.Letter.SourceTopic, SourceTopic, StringComparison.Ordinal))
        && (
            ConsumerGroup is null || string.Equals(letter.Letter.ConsumerGroup, ConsumerGroup, StringComparison.Ordinal)
        );
}
