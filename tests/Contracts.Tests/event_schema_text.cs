using System.Text;
using System.Text.Json;
using PitPlatform.Contracts.Schema;
using Xunit;

namespace PitPlatform.Contracts.Tests;

/// <summary>
/// What the stores cannot hold is refused by the event schema: U+0000 in free text (its pattern), unpaired surrogates
/// anywhere (the validator refuses text System.Text.Json cannot read before it walks the schema), and times outside
/// the years 1970 to 9998 (the ts pattern). Text the stores can hold, escaped or not, is accepted.
/// </summary>
public sealed class event_schema_text
{
    private const string Fill =
        """{"type":"exec.trade_fill","series":"alpha","cell":"0001","payload":{"instrument":"ACME","side":"buy","quantity":100,"price_micros":12500000,"currency":"USD","fill_id":"F-1"}}""";
    private const string Llm =
        """{"type":"runtime.llm_call","series":"assistant","payload":{"model":"gpt-4.1","prompt":"p","response":"r","input_tokens":1,"output_tokens":1,"run_id":"r1","user_id":"u1"}}""";

    private static IReadOnlyList<SchemaError> Check(string json) =>
        EventSchema.Embedded.Validate(JsonDocument.Parse(json).RootElement, "/data/0");

    [Theory]
    [InlineData(Fill, "instrument", "ACME")]
    [InlineData(Fill, "fill_id", "F-1")]
    [InlineData(Llm, "model", "gpt-4.1")]
    [InlineData(Llm, "prompt", "p")]
    [InlineData(Llm, "response", "r")]
    [InlineData(Llm, "run_id", "r1")]
    [InlineData(Llm, "user_id", "u1")]
    public void u0000_in_any_free_text_member_breaks_its_pattern(string source, string member, string value)
    {
        var error = Assert.Single(
            Check(source.Replace($"\"{member}\":\"{value}\"", $"\"{member}\":\"{value}\\u0000\""))
        );
        Assert.Equal(($"/data/0/payload/{member}", "pattern"), (error.Pointer, error.Keyword));
    }

    [Theory]
    [InlineData("\"series\":\"al\\u0000pha\"", "/data/0/series", "pattern")]
    [InlineData("\"cell\":\"\\u0000\"", "/data/0/cell", "pattern")]
    [InlineData("\"side\":\"buy\\u0000\"", "/data/0/payload/side", "enum")]
    [InlineData("\"currency\":\"US\\u0000\"", "/data/0/payload/currency", "pattern")]
    [InlineData("\"series\":\"alpha\",\"x\\u0000\":1", "/data/0/x\0", "additionalProperties")]
    public void u0000_in_a_constrained_member_or_a_name_is_refused_by_the_rule_it_breaks(
        string replacement,
        string pointer,
        string keyword
    )
    {
        var member = replacement[..(replacement.IndexOf("\":", StringComparison.Ordinal) + 2)];
        var original = Fill[Fill.IndexOf(member, StringComparison.Ordinal)..];
        original = original[..(original.IndexOfAny([',', '}'], member.Length))];
        var error = Assert.Single(Check(Fill.Replace(original, replacement)));
        Assert.Equal((pointer, keyword), (error.Pointer, error.Keyword));
    }

    [Theory]
    [InlineData("\"instrument\":\"\\ud800\"", "/data/0/payload/instrument", "'instrument'")]
    [InlineData("\"instrument\":\"A\\udfffB\"", "/data/0/payload/instrument", "'instrument'")]
    [InlineData("\"instrument\":\"\\udc00\\ud800\"", "/data/0/payload/instrument", "'instrument'")]
    [InlineData("\"instrument\":\"\\ud800\\u0041\"", "/data/0/payload/instrument", "'instrument'")]
    [InlineData("\"series\":\"\\ud800\"", "/data/0/series", "'series'")]
    [InlineData("\"type\":\"\\udbff\"", "/data/0/type", "'type'")]
    [InlineData("\"series\":\"alpha\",\"\\ud800\":1", "/data/0/\\ud800", "a member name")]
    [InlineData("\"series\":\"alpha\",\"colour\":[\"\\udc00\"]", "/data/0/colour/0", "'colour'")]
    public void an_unpaired_surrogate_anywhere_is_the_events_only_error(
        string replacement,
        string pointer,
        string subject
    )
    {
        var json =
            replacement.StartsWith("\"instrument\"", StringComparison.Ordinal)
                ? Fill.Replace("\"instrument\":\"ACME\"", replacement)
            : replacement.StartsWith("\"type\"", StringComparison.Ordinal)
                ? Fill.Replace("\"type\":\"exec.trade_fill\"", replacement)
            : Fill.Replace("\"series\":\"alpha\"", replacement);

        var error = Assert.Single(Check(json));

        // Attribute arguments cannot carry an unpaired surrogate, so the expected pointer spells it as an escape.
        Assert.Equal(
            (pointer.Replace("\\ud800", "\ud800", StringComparison.Ordinal), SchemaError.Text),
            (error.Pointer, error.Keyword)
        );
        Assert.Equal($"{subject} holds an unpaired UTF-16 surrogate, which is not text", error.Message);
    }

    [Theory]
    [InlineData("\\ud83d\\ude00")]
    [InlineData("\\u00e9t\\u00e9")]
    [InlineData("\\\\ud800")]
    [InlineData("caf\u00e9 \U0001F600")]
    [InlineData("\\\"\\\\\\/\\b\\f\\n\\r\\t")]
    public void text_the_stores_hold_is_accepted_escaped_or_not(string instrument)
    {
        Assert.Empty(Check(Fill.Replace("\"instrument\":\"ACME\"", $"\"instrument\":\"{instrument}\"")));
    }

    [Theory]
    [InlineData("1970-01-01T00:00:00Z", true)]
    [InlineData("9998-12-31T23:59:59.9999999Z", true)]
    [InlineData("2026-11-22T09:30:00+14:00", true)]
    [InlineData("1969-12-31T23:59:59Z", false)]
    [InlineData("0001-01-01T00:00:00Z", false)]
    [InlineData("9999-01-01T00:00:00Z", false)]
    [InlineData("9999-12-31T23:59:59Z", false)]
    public void ts_lies_in_the_years_1970_to_9998(string ts, bool valid)
    {
        var errors = Check(Fill.Replace("\"series\"", $"\"ts\":\"{ts}\",\"series\""));
        if (valid)
            Assert.Empty(errors);
        else
            Assert.Equal(("/data/0/ts", "pattern"), (Assert.Single(errors).Pointer, Assert.Single(errors).Keyword));
    }

    [Fact]
    public void bytes_that_are_not_utf8_in_a_string_are_refused_with_its_pointer()
    {
        var json = Encoding.UTF8.GetBytes(Fill);
        json[json.AsSpan().IndexOf("ACME"u8) + 1] = 0xE2;
        var error = Assert.Single(EventSchema.Embedded.Validate(JsonDocument.Parse(json).RootElement, "/data/0"));
        Assert.Equal(
            ("/data/0/payload/instrument", SchemaError.Text, "'instrument' is not valid UTF-8"),
            (error.Pointer, error.Keyword, error.Message)
        );
    }
}

/// <summary>StorableText reads escapes as written: only an escape decides, never the text around it.</summary>
public sealed class storable_text
{
    [Theory]
    [InlineData("\"plain\"", TextFault.None)]
    [InlineData("\"\\ud83d\\ude00\"", TextFault.None)]
    [InlineData("\"\\uD83D\\uDE00\"", TextFault.None)]
    [InlineData("\"\\\\ud800\"", TextFault.None)]
    [InlineData("\"\\\\\\ud800\"", TextFault.UnpairedSurrogate)]
    [InlineData("\"\\ud800\"", TextFault.UnpairedSurrogate)]
    [InlineData("\"\\ud800\\n\"", TextFault.UnpairedSurrogate)]
    [InlineData("\"\\ud800\\ud800\"", TextFault.UnpairedSurrogate)]
    [InlineData("\"\\ude00\"", TextFault.UnpairedSurrogate)]
    [InlineData("\"x\\u0000\"", TextFault.Nul)]
    [InlineData("\"\\u0000\\ud800\"", TextFault.Nul)]
    public void a_raw_string_token_is_judged_by_its_escapes(string raw, TextFault fault)
    {
        Assert.Equal(fault, StorableText.Check(Encoding.UTF8.GetBytes(raw), nulAllowed: false));
        if (fault != TextFault.Nul)
            Assert.Equal(fault, StorableText.Check(Encoding.UTF8.GetBytes(raw), nulAllowed: true));
    }

    [Fact]
    public void every_fault_is_found_in_document_order_with_its_pointer()
    {
        using var document = JsonDocument.Parse("""{"a":["ok","\u0000"],"b\ud800":{"c/d":"\udc00"},"e":1}""");
        var findings = new List<TextFinding>();

        Assert.True(StorableText.Find(document.RootElement, "", nulAllowed: false, findings));

        Assert.Equal(
            [
                ("/a/1", TextFault.Nul, false),
                ("/b\ud800", TextFault.UnpairedSurrogate, true),
                ("/b\ud800/c~1d", TextFault.UnpairedSurrogate, false),
            ],
            findings.Select(f => (f.Pointer, f.Fault, f.IsName))
        );
        Assert.Equal("'a' holds U+0000, which cannot be stored", findings[0].Message);
    }

    [Fact]
    public void decoded_text_is_judged_the_same_way()
    {
        // Not attribute arguments: those cannot carry an unpaired surrogate.
        Assert.Equal(TextFault.Nul, StorableText.Check("a\0b", nulAllowed: false));
        Assert.Equal(TextFault.None, StorableText.Check("a\0b", nulAllowed: true));
        Assert.Equal(TextFault.UnpairedSurrogate, StorableText.Check("\ud800", nulAllowed: false));
        Assert.Equal(TextFault.UnpairedSurrogate, StorableText.Check("x\udc00", nulAllowed: false));
        Assert.Equal(TextFault.UnpairedSurrogate, StorableText.Check("\udc00\ud800", nulAllowed: false));
        Assert.Equal(TextFault.None, StorableText.Check("\U0001F600", nulAllowed: false));
    }
}
