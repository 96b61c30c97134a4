using System.Text.RegularExpressions;

namespace PitPlatform.Ingestion.Redaction.Detection;

/// <summary>
/// E-mail addresses: an ASCII local part, '@', and a dotted domain ending in an alphabetic top-level label, so
/// "user@localhost", "lodash@4.17.21" and "support at example" are not addresses.
/// </summary>
internal sealed partial class EmailDetector : PiiDetector
{
    public override PiiKind Kind => PiiKind.Email;

    public override void Find(string text, List<PiiSpan> spans)
    {
        foreach (var match in Candidate().EnumerateMatches(text))
            spans.Add(new PiiSpan(match.Index, match.Length, PiiKind.Email));
    }

    // The local part starts where a run of local-part characters starts and is atomic ('@' is not in its class). The
    // domain labels are not atomic, so "a@example.com." can give back "com." and end the address before the full stop.
    [GeneratedRegex(
        @"(?<![A-Za-z0-9._%+\-])(?>[A-Za-z0-9._%+\-]{1,64})@(?:[A-Za-z0-9\-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![A"
            + @"-Za-z0-9\-])",
        RegexOptions.CultureInvariant,
        RegexBudget.Milliseconds
    )]
    private static partial Regex Candidate();
}
