using System.Text.RegularExpressions;

namespace PitPlatform.Ingestion.Redaction.Detection;

/// <summary>
/// Phone numbers in three shapes: E.164 ('+' and 8 to 15 digits, single spaces or dashes between them); North American
/// national forms ((555) 123-4567, 555-123-4567, 555.123.4567, optionally after 1 or +1); and trunk-prefixed national
/// forms with 10 or 11 digits (020 7946 0958, 07700 900123). A bare digit run is never a phone number, and none of
/// the shapes may touch a neighbouring letter, digit or dash, so digits inside longer runs, dates and ids survive.
/// </summary>
internal sealed partial class PhoneDetector : PiiDetector
{
    public override PiiKind Kind => PiiKind.Phone;

    public override void Find(string text, List<PiiSpan> spans)
    {
        foreach (var match in Candidate().EnumerateMatches(text))
        {
            var candidate = text.AsSpan(match.Index, match.Length);
            // Only the trunk-prefixed shape has a variable digit count; a North American number starting with 0 has 10.
            if (candidate[0] == '0' && CountDigits(candidate) is < 10 or > 11)
                continue;
            spans.Add(new PiiSpan(match.Index, match.Length, PiiKind.Phone));
        }
    }

    private static int CountDigits(ReadOnlySpan<char> text)
    {
        var n = 0;
        foreach (var c in text)
            if (char.IsAsciiDigit(c))
                n++;
        return n;
    }

    [GeneratedRegex(
        @"(?<![\w+])\+[0-9](?:[ \-]?[0-9]){7,14}(?![0-9])"
            + @"|(?<![\w+.\-])(?:\+?1[ .\-]?)?(?:\([0-9]{3}\)[ ]?[0-9]{3}[ "
            + @".\-][0-9]{4}|[0-9]{3}-[0-9]{3}-[0-9]{4}|[0-9]{3}\.[0-9]{3}\.[0-9]{4})(?![\w\-]|[.,][0-9])"
            + @"|(?<![\w+.\-])0[0-9]{2,4}[ \-][0-9]{3,6}(?:[ \-][0-9]{3,4})?(?![\w\-]|[.,][0-9])",
        RegexOptions.CultureInvariant,
        RegexBudget.Milliseconds
    )]
    private static partial Regex Candidate();
}
