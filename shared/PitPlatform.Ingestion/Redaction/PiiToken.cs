using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace PitPlatform.Ingestion.Redaction;

/// <summary>
/// Hash mode: "[kind:" + the first 12 hex characters of HMAC-SHA256(tenant key, "kind:" + normalised value) + "]". The
/// value is normalised first, so one person's data gives one token however it was written: e-mail in lower case,
/// SSNs and cards as their digits, phones as their digits after any '+', IP addresses in canonical form (an
/// IPv4-mapped IPv6 address as its IPv4 address). The kind is part of the input, so kinds never share tokens.
/// </summary>
internal static class PiiToken
{
    private const int HexChars = 12;

    public static string Of(string value, PiiKind kind, byte[] tenantKey)
    {
        var label = PiiLabel.Of(kind);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(tenantKey, Encoding.UTF8.GetBytes(label + ":" + Normalise(value, kind)), mac);
        return "[" + label + ":" + Convert.ToHexStringLower(mac[..(HexChars / 2)]) + "]";
    }

    private static string Normalise(string value, PiiKind kind) =>
        kind switch
        {
            PiiKind.Email => value.ToLowerInvariant(),
            PiiKind.Ssn or PiiKind.Card => Digits(value),
            PiiKind.Phone => (value.StartsWith('+') ? "+" : "") + Digits(value),
            PiiKind.Ip => value.Contains(':') ? Canonical(IPAddress.Parse(value)) : DecimalQuad(value),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a PII kind"),
        };

    private static string Digits(string value) => string.Concat(value.Where(char.IsAsciiDigit));

    private static string Canonical(IPAddress address) =>
        (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();

    // Not IPAddress.Parse: it reads a leading zero as octal ("010" is 8), while the detector reads octets as decimal.
    private static string DecimalQuad(string value) =>
        string.Join('.', value.Split('.').Select(octet => int.Parse(octet, CultureInfo.InvariantCulture)));
}
