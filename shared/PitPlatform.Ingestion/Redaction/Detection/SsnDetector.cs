using System.Text.RegularExpressions;

namespace PitPlatform.Ingestion.Redaction.Detection;

/// <summary>
/// US Social Security numbers: NNN-NN-NNNN anywhere, and nine digits (optionally spaced or dashed) only after a label
/// such as "SSN" or "social security number". The label itself stays; only the number is a span. Numbers the SSA
/// never issues are not SSNs: area 000, 666 or 9xx, group 00, serial 0000.
/// </summary>
internal sealed partial class SsnDetector : PiiDetector
{
    public override PiiKind Kind => PiiKind.Ssn;

    public override void Find(string text, List<PiiSpan> spans)
    {
        for (var match = Candidate().Match(text); match.Success; match = match.NextMatch())
        {
            var value = match.Groups["value"];
            if (IsIssuable(value.ValueSpan))
                spans.Add(new PiiSpan(value.Index, value.Length, PiiKind.Ssn));
        }
    }

    private static bool IsIssuable(ReadOnlySpan<char> value)
    {
        Span<char> digits = stackalloc char[9];
        var n = 0;
        foreach (var c in value)
            if (char.IsAsciiDigit(c))
                digits[n++] = c;
        var area = (digits[0] - '0') * 100 + (digits[1] - '0') * 10 + (digits[2] - '0');
        return area != 0 && area != 666 && area < 900 && digits[3..5] is not "00" && digits[5..] is not "0000";
    }

    [GeneratedRegex(
        @"\b(?i:ssn|social[ ]security(?:[ ](?:number|no\.?))?)(?:[ ]?(?i:\#|no\.?|number))?[ ]{0,3}[:=]?[ "
            + @"]{0,3}(?<value>[0-9]{3}[ \-]?[0-9]{2}[ \-]?[0-9]{4})(?![\w\-])"
            + @"|(?<![\w\-])(?<value>[0-9]{3}-[0-9]{2}-[0-9]{4})(?![\w\-])",
        RegexOptions.CultureInvariant,
        RegexBudget.Milliseconds
    )]
    private static partial Regex Candidate();
}
