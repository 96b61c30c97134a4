using System.Globalization;

namespace PitPlatform.Governance.Audit;

/// <summary>
/// The cursor of GET /v1/audit: the last sequence returned. It needs no signature: the tenant comes from the key,
/// so a changed token can only move within the caller's own chain.
/// </summary>
public static class AuditPageToken
{
    private const string Prefix = "a1.";

    public static string Write(long afterSequence) => Prefix + afterSequence.ToString(CultureInfo.InvariantCulture);

    public static bool TryRead(string token, out long afterSequence)
    {
        afterSequence = 0;
        return token.StartsWith(Prefix, StringComparison.Ordinal)
            && token.Length <= 32
            && long.TryParse(
                token.AsSpan(Prefix.Length),
                NumberStyles.None,
                CultureInfo.InvariantCulture,
                out afterSequence
            )
            && afterSequence > 0;
    }
}
