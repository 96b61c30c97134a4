using System.Text;
using System.Text.RegularExpressions;
using PitPlatform.Ingestion.Redaction.Detection;

namespace PitPlatform.Ingestion.Redaction;

/// <summary>
/// Redacts personal data (e-mail addresses, US SSNs, phone numbers, Luhn-valid card numbers, IPv4 and IPv6 addresses)
/// from free text before it is enveloped, as each detector's <see cref="RedactionMode"/> in the tenant's
/// <see cref="RedactionPolicy"/> says. Every detector scans the text once; where spans overlap the longest wins, then
/// the leftmost. Stateless and thread-safe: create one and share it. Bad input never throws; a text that cannot be
/// scanned within the regex timeout is replaced whole (fail closed, <see cref="RedactionResult.ScanIncomplete"/>).
/// </summary>
public sealed class PiiRedactor
{
    private readonly PiiDetector[] _detectors;

    public PiiRedactor()
        : this([
            new EmailDetector(),
            new SsnDetector(),
            new PhoneDetector(),
            new CardDetector(),
            new IpAddressDetector(),
        ]) { }

    internal PiiRedactor(PiiDetector[] detectors) => _detectors = detectors;

    /// <exception cref="ArgumentException">The policy hashes but has no tenant key of at least 32 bytes.</exception>
    public RedactionResult Redact(string text, RedactionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.StoreRaw)
            return RedactionResult.Unchanged(text);
        if (policy.UsesHash)
            TenantKeyRule.Check(policy.TenantKey, nameof(policy));

        var found = new List<PiiSpan>();
        try
        {
            foreach (var detector in _detectors)
                detector.Find(text, found);
        }
        catch (RegexMatchTimeoutException)
        {
            // Caught on purpose: a text we could not scan must not be stored as it is, and bad input must not throw.
            return RedactionResult.Unscanned();
        }
        if (found.Count == 0)
            return RedactionResult.Unchanged(text);
        return Rewrite(text, SpanSelection.Resolve(found), policy);
    }

    private static RedactionResult Rewrite(string text, List<PiiSpan> spans, RedactionPolicy policy)
    {
        var counts = new int[Enum.GetValues<PiiKind>().Length];
        var redacted = new StringBuilder(text.Length);
        var position = 0;
        foreach (var span in spans)
        {
            redacted.Append(text, position, span.Start - position);
            redacted.Append(Substitute(text.Substring(span.Start, span.Length), span.Kind, policy));
            counts[(int)span.Kind]++;
            position = span.End;
        }
        redacted.Append(text, position, text.Length - position);
        return new RedactionResult(redacted.ToString(), counts, scanIncomplete: false);
    }

    private static string Substitute(string value, PiiKind kind, RedactionPolicy policy) =>
        policy.ModeFor(kind) switch
        {
            RedactionMode.Replace => "[redacted:" + PiiLabel.Of(kind) + "]",
            RedactionMode.Mask => PiiMask.Of(value, kind),
            RedactionMode.Hash => PiiToken.Of(value, kind, policy.TenantKey!),
            RedactionMode.Remove => "",
            var mode => throw new ArgumentOutOfRangeException(nameof(policy), mode, "not a redaction mode"),
        };
}
