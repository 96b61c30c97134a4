using PitPlatform.Ingestion.Redaction;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

/// <summary>
/// The detection corpus: every positive is redacted by its own detector and nothing else, and every tricky negative
/// (dates, times, ids, prices, versions, quantities, Luhn-failing and embedded digit runs, non-addresses) survives
/// byte for byte under the default policy.
/// </summary>
public sealed class redaction_corpus
{
    private static readonly PiiRedactor Redactor = new();

    /// <summary>Free text, the detector that must take it, and the exact span it must take.</summary>
    public static readonly (string Text, PiiKind Kind, string Pii)[] Positives =
    [
        ("mail john.doe@example.com today", PiiKind.Email, "john.doe@example.com"),
        ("Contact J.Smith+tag@mail.example.co.uk.", PiiKind.Email, "J.Smith+tag@mail.example.co.uk"),
        ("cc <ops-team@sub.example.org>", PiiKind.Email, "ops-team@sub.example.org"),
        ("user_42@example.io, thanks", PiiKind.Email, "user_42@example.io"),
        ("applicant 123-45-6789 on file", PiiKind.Ssn, "123-45-6789"),
        ("SSN 123456789", PiiKind.Ssn, "123456789"),
        ("ssn: 078-05-1120", PiiKind.Ssn, "078-05-1120"),
        ("Social Security Number 123 45 6789.", PiiKind.Ssn, "123 45 6789"),
        ("SSN#219099999 verified", PiiKind.Ssn, "219099999"),
        ("call +14155552671 now", PiiKind.Phone, "+14155552671"),
        ("UK office +44 20 7946 0958", PiiKind.Phone, "+44 20 7946 0958"),
        ("Tel: (555) 123-4567", PiiKind.Phone, "(555) 123-4567"),
        ("call 555-123-4567 after 5", PiiKind.Phone, "555-123-4567"),
        ("fax 555.123.4567", PiiKind.Phone, "555.123.4567"),
        ("London 020 7946 0958", PiiKind.Phone, "020 7946 0958"),
        ("US +1 (555) 123-4567", PiiKind.Phone, "+1 (555) 123-4567"),
        ("Berlin +49-30-1234-5678", PiiKind.Phone, "+49-30-1234-5678"),
        ("mobile 07700 900123", PiiKind.Phone, "07700 900123"),
        ("toll free 1-800-555-0199", PiiKind.Phone, "1-800-555-0199"),
        ("card 4111 1111 1111 1111 exp 12/27", PiiKind.Card, "4111 1111 1111 1111"),
        ("card 4111-1111-1111-1111", PiiKind.Card, "4111-1111-1111-1111"),
        ("pan=4111111111111111;", PiiKind.Card, "4111111111111111"),
        ("amex 378282246310005", PiiKind.Card, "378282246310005"),
        ("amex 3782 822463 10005", PiiKind.Card, "3782 822463 10005"),
        ("mc 5555555555554444", PiiKind.Card, "5555555555554444"),
        ("discover 6011111111111117", PiiKind.Card, "6011111111111117"),
        ("visa13 4222222222222", PiiKind.Card, "4222222222222"),
        ("card 4111 1111 1111 1111 2025 on file", PiiKind.Card, "4111 1111 1111 1111"),
        ("from 203.0.113.7 at noon", PiiKind.Ip, "203.0.113.7"),
        ("client_ip:198.51.100.23", PiiKind.Ip, "198.51.100.23"),
        ("connect 10.0.0.1:8080", PiiKind.Ip, "10.0.0.1"),
        ("quad 1.2.3.4", PiiKind.Ip, "1.2.3.4"),
        ("ip=192.168.1.255.", PiiKind.Ip, "192.168.1.255"),
        ("v6 2001:db8::1", PiiKind.Ip, "2001:db8::1"),
        ("full 2001:0db8:85a3:0000:0000:8a2e:0370:7334", PiiKind.Ip, "2001:0db8:85a3:0000:0000:8a2e:0370:7334"),
        ("link fe80::1ff:fe23:4567:890a%eth0", PiiKind.Ip, "fe80::1ff:fe23:4567:890a"),
        ("mapped ::ffff:192.0.2.128", PiiKind.Ip, "::ffff:192.0.2.128"),
        ("url [2001:db8::42]:443", PiiKind.Ip, "2001:db8::42"),
        ("peer 2001:db8::1: refused", PiiKind.Ip, "2001:db8::1"),
    ];

    /// <summary>Text that looks like personal data and is not; each must survive untouched.</summary>
    public static readonly string[] Negatives =
    [
        // dates, times and timestamps
        "due 2026-11-22",
        "on 22/11/2026",
        "at 11/22/2026 09:30",
        "on 22.11.2026",
        "meet at 09:30 or 23:59:59.999",
        "ts 2026-11-22T09:30:00Z",
        "ts 2026-11-22T09:30:00.123456+05:30",
        "logged 2026-11-22 09:30:00",
        // order numbers and ids
        "order ORD-2026-000123 shipped",
        "order #100045",
        "PO 4500012345",
        "id 550e8400-e29b-41d4-a716-446655440000",
        "id 12345678-1234-5678-1234-567812345678",
        "id 00000000-0000-0000-0000-000000000000",
        "trace 4bf92f3577b34da6a3ce929d0e0e4736",
        // prices
        "price 12.50",
        "total 1,250.00 USD",
        "fee 12500000 micros",
        "USD 1,250,000.00",
        // versions (a valid dotted quad on its own is an IPv4 address; see the positives)
        "release v1.2.3",
        "version 1.2.3",
        "build v1.2.3.4",
        "chain 1.2.3.4.5",
        "sdk 10.0.14 and 2.10.0-rc.1",
        // quantities and short digit runs
        "qty 3 x 250 ml",
        "1,000 units",
        "sizes 10 20 30 40",
        "code 42 and 007 and 12345",
        // card-like numbers that fail Luhn
        "card 4111 1111 1111 1112",
        "card 4111111111111112",
        "pan 5500-0000-0000-0005",
        "ref 1234 5678 9012 3456",
        "epoch 1795340400000",
        // phone-like numbers inside longer digit runs, and bare digit runs
        "ref 12555-123-45678",
        "number 555-123-45678",
        "tracking 1Z999AA10123456784",
        "account 8005551234567890",
        "bare 5551234567",
        // not e-mail addresses
        "write to support at example",
        "support at example dot com",
        "ping @pit_platform",
        "root@localhost",
        "npm i lodash@4.17.21",
        // numbers the SSA never issues, and nine digits without a label
        "ref 000-12-3456",
        "ref 666-12-3456",
        "ref 912-34-5678",
        "ref 123-00-4567",
        "ref 123-45-0000",
        "nine 123456789",
        "SSN 000123456",
        // not IP addresses
        "ip 256.1.1.1",
        "ip 999.10.10.10",
        "net 10.0.0",
        "std::vector<int>",
        "Foo::Bar::Baz",
        "dead::beef",
        "mac 00:1a:2b:3c:4d:5e",
        "ratio 3:2:1",
        "scope ::",
    ];

    public static TheoryData<string, PiiKind, string> PositiveCases()
    {
        var data = new TheoryData<string, PiiKind, string>();
        foreach (var (text, kind, pii) in Positives)
            data.Add(text, kind, pii);
        return data;
    }

    public static TheoryData<string> NegativeCases() => [.. Negatives];

    [Fact]
    public void the_corpus_holds_at_least_forty_cases_with_positives_for_every_detector()
    {
        Assert.True(Positives.Length + Negatives.Length >= 40);
        Assert.All(Enum.GetValues<PiiKind>(), kind => Assert.Contains(Positives, p => p.Kind == kind));
        Assert.All(Positives, p => Assert.Contains(p.Pii, p.Text, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(PositiveCases))]
    public void a_positive_is_redacted_by_its_own_detector_and_nothing_else_changes(
        string text,
        PiiKind kind,
        string pii
    )
    {
        var result = Redactor.Redact(text, RedactionPolicy.Default);

        Assert.Equal(text.Replace(pii, $"[redacted:{Label(kind)}]", StringComparison.Ordinal), result.Text);
        Assert.Equal(1, result.Count(kind));
        Assert.Equal(1, result.Total);
    }

    [Theory]
    [MemberData(nameof(NegativeCases))]
    public void a_tricky_negative_survives_byte_for_byte(string text)
    {
        var result = Redactor.Redact(text, RedactionPolicy.Default);

        Assert.Equal(text, result.Text);
        Assert.Equal(0, result.Total);
    }

    internal static string Label(PiiKind kind) => kind.ToString().ToLowerInvariant();
}
