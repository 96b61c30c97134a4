using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace PitPlatform.Ingestion.Redaction.Detection;

/// <summary>
/// IP addresses. IPv4 is a dotted quad with every octet 0 to 255; a valid quad is taken even when it is really a
/// four-part version number ("1.2.3.4"), but not when it is glued to a letter ("v1.2.3.4") or part of a longer dotted
/// run ("1.2.3.4.5"). IPv6 candidates (full, "::"-compressed, or with an IPv4 tail such as "::ffff:192.0.2.1") must
/// parse with <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> and hold at least one decimal digit, so times
/// ("09:30:00"), MAC addresses and C++ names ("std::vector", "dead::beef") survive.
/// </summary>
internal sealed partial class IpAddressDetector : PiiDetector
{
    public override PiiKind Kind => PiiKind.Ip;

    public override void Find(string text, List<PiiSpan> spans)
    {
        foreach (var match in Candidate().EnumerateMatches(text))
        {
            var candidate = text.AsSpan(match.Index, match.Length);
            var length =
                candidate.Contains(':') ? IPv6Length(candidate)
                : IsIPv4(candidate) ? candidate.Length
                : 0;
            if (length > 0)
                spans.Add(new PiiSpan(match.Index, length, PiiKind.Ip));
        }
    }

    private static bool IsIPv4(ReadOnlySpan<char> candidate)
    {
        foreach (var range in candidate.Split('.'))
            if (int.Parse(candidate[range], provider: null) > 255)
                return false;
        return true;
    }

    // The candidate may end in one ':' that belongs to the sentence ("2001:db8::1: refused"); that is given back.
    private static int IPv6Length(ReadOnlySpan<char> candidate)
    {
        if (!candidate.ContainsAnyInRange('0', '9'))
            return 0;
        if (IsIPv6(candidate))
            return candidate.Length;
        if (candidate.EndsWith(":") && !candidate.EndsWith("::") && IsIPv6(candidate[..^1]))
            return candidate.Length - 1;
        return 0;
    }

    private static bool IsIPv6(ReadOnlySpan<char> candidate) =>
        IPAddress.TryParse(candidate, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;

    // The IPv6 group run and its tail are atomic: giving a group back can never end a candidate well (the next
    // character would be a hex digit or ':'), and without that a long run of "1:1:1:" costs seconds instead of
    // milliseconds.
    [GeneratedRegex(
        @"(?<![\w.])(?>(?:(?:[0-9A-Fa-f]{1,4})?:){2,7})(?>[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9A-Fa-f]{1,4})?(?!"
            + @"[\w:]|\.[0-9])"
            + @"|(?<![\w.])[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?![\w]|\.[0-9])",
        RegexOptions.CultureInvariant,
        RegexBudget.Milliseconds
    )]
    private static partial Regex Candidate();
}
