using System.Net;
using System.Text;

namespace PitPlatform.Ingestion.Redaction;

/// <summary>
/// Mask mode: keeps the shape and hides the content. E-mail keeps the first letter of the local part and of the
/// domain and the top-level label (j***@e***.com); cards keep the last 4 digits, SSNs the last 4 and phones the last 2,
/// with separators in place (***-**-6789, **** **** **** 1111); IPv4 keeps the first three octets (203.0.113.*),
/// IPv6 the first two groups (2001:db8:*), and an IPv4-mapped address masks its IPv4 part (::ffff:203.0.113.*).
/// </summary>
internal static class PiiMask
{
    public static string Of(string value, PiiKind kind) =>
        kind switch
        {
            PiiKind.Email => Email(value),
            PiiKind.Ssn or PiiKind.Card => AllDigitsBut(value, 4),
            PiiKind.Phone => AllDigitsBut(value, 2),
            PiiKind.Ip => Ip(value),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a PII kind"),
        };

    private static string Email(string value)
    {
        var at = value.LastIndexOf('@');
        var domain = value.AsSpan(at + 1);
        var topLevel = domain[(domain.LastIndexOf('.') + 1)..];
        return $"{value[0]}***@{domain[0]}***.{topLevel}";
    }

    private static string AllDigitsBut(string value, int kept)
    {
        var remaining = 0;
        foreach (var c in value)
            if (char.IsAsciiDigit(c))
                remaining++;
        var masked = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c))
                masked.Append(c);
            else
                masked.Append(remaining-- > kept ? '*' : c);
        }
        return masked.ToString();
    }

    private static string Ip(string value)
    {
        if (!value.Contains(':'))
            return IPv4(value);
        var address = IPAddress.Parse(value);
        if (address.IsIPv4MappedToIPv6)
            return "::ffff:" + IPv4(address.MapToIPv4().ToString());
        var bytes = address.GetAddressBytes();
        return $"{bytes[0] << 8 | bytes[1]:x}:{bytes[2] << 8 | bytes[3]:x}:*";
    }

    private static string IPv4(string value) => value[..(value.LastIndexOf('.') + 1)] + "*";
}
