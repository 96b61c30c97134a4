namespace PitPlatform.Processing.DeadLetters;

/// <summary>
/// What <see cref="DeadLetterReader"/> found: the letters, oldest first, and how many records were not letters.
/// </summary>
public sealed record DeadLetterReading(IReadOnlyList<StoredDeadLetter> Letters, int Unreadable);
