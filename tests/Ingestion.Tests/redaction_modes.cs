using System.Security.Cryptography;
using System.Text;
using PitPlatform.Ingestion.Redaction;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

/// <summary>
/// Each mode, for each detector family, writes exactly what the policy promises and leaves the text around it alone.
/// </summary>
public sealed class redaction_modes
{
    private static readonly PiiRedactor Redactor = new();
    private static readonly byte[] TenantKey = new TenantRedactionKeys("throwaway test secret, 32+ bytes long").KeyFor(
        "acme"
    );

    /// <summary>Kind, value as written, its mask, and the normalised value the Hash token is computed from.</summary>
    private static readonly (PiiKind Kind, string Value, string Masked, string Normalised)[] Family =
    [
        (PiiKind.Email, "John.Doe@Example.com", "J***@E***.com", "john.doe@example.com"),
        (PiiKind.Email, "ops@mail.example.co.uk", "o***@m***.uk", "ops@mail.example.co.uk"),
        (PiiKind.Ssn, "123-45-6789", "***-**-6789", "123456789"),
        (PiiKind.Phone, "+44 20 7946 0958", "+** ** **** **58", "+442079460958"),
        (PiiKind.Phone, "(555) 123-4567", "(***) ***-**67", "5551234567"),
        (PiiKind.Card, "4111111111111111", "************1111", "4111111111111111"),
        (PiiKind.Card, "4111 1111 1111 1111", "**** **** **** 1111", "4111111111111111"),
        (PiiKind.Ip, "203.0.113.7", "203.0.113.*", "203.0.113.7"),
        (PiiKind.Ip, "2001:0DB8::1", "2001:db8:*", "2001:db8::1"),
        (PiiKind.Ip, "::ffff:203.0.113.7", "::ffff:203.0.113.*", "203.0.113.7"),
    ];

    public static TheoryData<PiiKind, string> Values() => Project(row => (row.Kind, row.Value));

    public static TheoryData<string, string> Masks() => Project(row => (row.Value, row.Masked));

    public static TheoryData<PiiKind, string, string> Hashes() => Project(row => (row.Kind, row.Value, row.Normalised));

    private static TheoryData<T1, T2> Project<T1, T2>(
        Func<(PiiKind Kind, string Value, string Masked, string Normalised), (T1, T2)> pick
    )
    {
        var data = new TheoryData<T1, T2>();
        foreach (var row in Family)
        {
            var (a, b) = pick(row);
            data.Add(a, b);
        }
        return data;
    }

    private static TheoryData<T1, T2, T3> Project<T1, T2, T3>(
        Func<(PiiKind Kind, string Value, string Masked, string Normalised), (T1, T2, T3)> pick
    )
    {
        var data = new TheoryData<T1, T2, T3>();
        foreach (var row in Family)
        {
            var (a, b, c) = pick(row);
            data.Add(a, b, c);
        }
        return data;
    }

    private static string Redact(string value, RedactionPolicy policy) =>
        Redactor.Redact($"before {value} after", policy).Text;

    [Theory]
    [MemberData(nameof(Values))]
    public void replace_writes_the_kind_label(PiiKind kind, string value) =>
        Assert.Equal(
            $"before [redacted:{redaction_corpus.Label(kind)}] after",
            Redact(value, RedactionPolicy.Uniform(RedactionMode.Replace))
        );

    [Theory]
    [MemberData(nameof(Masks))]
    public void mask_keeps_the_shape_and_hides_the_content(string value, string masked) =>
        Assert.Equal($"before {masked} after", Redact(value, RedactionPolicy.Uniform(RedactionMode.Mask)));

    [Theory]
    [MemberData(nameof(Hashes))]
    public void hash_writes_the_first_12_hex_of_the_tenant_hmac_of_the_normalised_value(
        PiiKind kind,
        string value,
        string normalised
    )
    {
        var label = redaction_corpus.Label(kind);
        var mac = Convert.ToHexStringLower(
            HMACSHA256.HashData(TenantKey, Encoding.UTF8.GetBytes($"{label}:{normalised}"))
        );
        Assert.Equal(
            $"before [{label}:{mac[..12]}] after",
            Redact(value, RedactionPolicy.Uniform(RedactionMode.Hash, TenantKey))
        );
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void remove_deletes_the_span(PiiKind kind, string value)
    {
        var result = Redactor.Redact($"before {value} after", RedactionPolicy.Uniform(RedactionMode.Remove));
        Assert.Equal("before  after", result.Text);
        Assert.Equal(1, result.Count(kind));
    }

    [Fact]
    public void the_default_policy_replaces_for_every_detector_and_keeps_raw_storage_off()
    {
        Assert.All(Enum.GetValues<PiiKind>(), kind =>
            Assert.Equal(RedactionMode.Replace, RedactionPolicy.Default.ModeFor(kind))
        );
        Assert.False(RedactionPolicy.Default.StoreRaw);
    }

    [Fact]
    public void each_detector_follows_its_own_mode()
    {
        var policy = RedactionPolicy.Default with
        {
            Email = RedactionMode.Mask,
            Card = RedactionMode.Remove,
            Ip = RedactionMode.Hash,
            TenantKey = TenantKey,
        };

        var result = Redactor.Redact("a@example.com 555-123-4567 card 4111111111111111; ip 203.0.113.7", policy);

        Assert.Matches(@"^a\*\*\*@e\*\*\*\.com \[redacted:phone\] card ; ip \[ip:[0-9a-f]{12}\]$", result.Text);
        Assert.Equal(4, result.Total);
    }

    [Fact]
    public void the_counts_add_up_per_detector()
    {
        var result = Redactor.Redact(
            "a@example.com, b@example.com, 555-123-4567, 10.0.0.1 and 10.0.0.2",
            RedactionPolicy.Default
        );

        Assert.Equal(2, result.Count(PiiKind.Email));
        Assert.Equal(1, result.Count(PiiKind.Phone));
        Assert.Equal(2, result.Counts[PiiKind.Ip]);
        Assert.Equal(0, result.Counts[PiiKind.Card]);
        Assert.Equal(5, result.Total);
    }

    [Fact]
    public void hashing_without_a_tenant_key_is_a_wiring_mistake_and_throws()
    {
        Assert.Throws<ArgumentException>(() =>
            Redactor.Redact("a@example.com", RedactionPolicy.Default with { Email = RedactionMode.Hash })
        );
        Assert.Throws<ArgumentException>(() =>
            Redactor.Redact("a@example.com", RedactionPolicy.Uniform(RedactionMode.Hash, new byte[16]))
        );
    }
}
