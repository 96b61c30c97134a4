using System.Security.Cryptography;
using System.Text;

namespace PitPlatform.Billing.Metering;

/// <summary>
/// The deterministic Stripe identifier of a report: the same tenant, meter, period and revision always give the same
/// identifier, so Stripe refuses a second delivery. At most 100 characters (Stripe's limit): a tenant name too long to
/// fit is replaced by a digest of it.
/// </summary>
public static class MeterEventIdentifier
{
    public static string For(string tenant, string meter, DateOnly period, int revision)
    {
        var head =
            $"pit_{meter}_{period:yyyyMMdd}_r{revision.ToString(System.Globalization.CultureInfo.InvariantCulture)}_";
        var identifier = head + tenant;
        if (
            identifier.Length <= Stripe.StripeMeterEventRequest.MaxIdentifierLength
            && tenant.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
        )
            return identifier;
        return head + "h" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tenant)))[..40];
    }
}
