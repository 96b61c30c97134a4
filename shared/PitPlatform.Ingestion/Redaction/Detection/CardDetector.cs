using System.Text.RegularExpressions;

namespace PitPlatform.Ingestion.Redaction.Detection;

/// <summary>
/// Payment card numbers: 13 to 19 digits, contiguous or in groups (4 digits, then groups of 3 to 6) separated
/// throughout by the same space or dash, accepted only when the Luhn check passes. When a grouped run is longer than
/// a card (a card followed by an expiry year, say), the longest leading groups that pass are the card.
/// </summary>
internal sealed partial class CardDetector : PiiDetector
{
    private const int MinDigits = 13;
    private const int MaxDigits = 19;

    public override PiiKind Kind => PiiKind.Card;

    public override void Find(string text, List<PiiSpan> spans)
    {
        Span<char> digits = stackalloc char[32];
        Span<int> groupEnds = stackalloc int[8];
        foreach (var match in Candidate().EnumerateMatches(text))
        {
            var candidate = text.AsSpan(match.Index, match.Length);
            var count = 0;
            var groups = 0;
            for (var i = 0; i < candidate.Length && count < digits.Length; i++)
            {
                if (char.IsAsciiDigit(candidate[i]))
                    digits[count++] = candidate[i];
                if (i == candidate.Length - 1 || !char.IsAsciiDigit(candidate[i + 1]))
                    groupEnds[groups++] = i + 1;
                if (groups == groupEnds.Length)
                    break;
            }
            var length = LongestCard(candidate, digits[..count], groupEnds[..groups]);
            if (length > 0)
                spans.Add(new PiiSpan(match.Index, length, PiiKind.Card));
        }
    }

    // Tries the whole candidate, then fewer and fewer leading groups; returns the character length of the first that is
    // a card, or 0.
    private static int LongestCard(ReadOnlySpan<char> candidate, ReadOnlySpan<char> digits, ReadOnlySpan<int> groupEnds)
    {
        for (var g = groupEnds.Length - 1; g >= 0; g--)
        {
            var end = groupEnds[g];
            var digitCount = end - g; // one separator between each pair of groups
            if (digitCount < MinDigits)
                return 0;
            if (digitCount > MaxDigits)
                continue;
            var cardDigits = digits[..digitCount];
            if (cardDigits.ContainsAnyExcept('0') && Luhn.IsValid(cardDigits))
                return end;
        }
        return 0;
    }

    [GeneratedRegex(
        @"(?<![\w+.,\-])(?:[0-9]{4}(?<sep>[ \-])[0-9]{4,6}(?:\k<sep>[0-9]{3,6}){1,3}|[0-9]{13,19})(?![\w\-]|[.,][0-9])",
        RegexOptions.CultureInvariant,
        RegexBudget.Milliseconds
    )]
    private static partial Regex Candidate();
}
