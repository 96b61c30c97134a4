using System.Text.Json;
using PitPlatform.Contracts.Schema;
using Xunit;

namespace PitPlatform.Contracts.Tests;

public sealed class event_schema
{
    private static IReadOnlyList<SchemaError> Check(string json) =>
        EventSchema.Embedded.Validate(JsonDocument.Parse(json).RootElement, "/data/0");

    private const string Fill =
        """{"type":"exec.trade_fill","series":"alpha","cell":"0001","payload":{"instrument":"ACME","side":"buy","quantity":100,"price_micros":12500000,"currency":"USD"}}""";

    [Fact]
    public void the_schema_examples_are_valid()
    {
        using var schema = JsonDocument.Parse(EventSchema.Embedded.Text);
        foreach (var example in schema.RootElement.GetProperty("examples").EnumerateArray())
            Assert.Empty(EventSchema.Embedded.Validate(example));
    }

    [Theory]
    [InlineData("\"price_micros\":12500000", "\"price_micros\":12.5", "/data/0/payload/price_micros", "type")]
    [InlineData("\"quantity\":100", "\"quantity\":0", "/data/0/payload/quantity", "minimum")]
    [InlineData("\"side\":\"buy\"", "\"side\":\"long\"", "/data/0/payload/side", "enum")]
    [InlineData("\"series\":\"alpha\"", "\"series\":\"al pha\"", "/data/0/series", "pattern")]
    [InlineData("\"cell\":\"0001\",", "", "/data/0/cell", "required")]
    [InlineData("\"series\":\"alpha\"", "\"series\":\"alpha\",\"colour\":1", "/data/0/colour", "additionalProperties")]
    [InlineData("\"currency\":\"USD\"", "\"currency\":\"usd\"", "/data/0/payload/currency", "pattern")]
    public void each_error_names_its_pointer_and_keyword(string from, string to, string pointer, string keyword)
    {
        var error = Assert.Single(Check(Fill.Replace(from, to)));
        Assert.Equal((pointer, keyword), (error.Pointer, error.Keyword));
    }

    [Fact]
    public void an_unknown_type_is_reported_on_the_type_member()
    {
        var error = Assert.Single(Check(Fill.Replace("exec.trade_fill", "exec.nothing")));
        Assert.Equal(("/data/0/type", SchemaError.UnknownType), (error.Pointer, error.Keyword));
    }

    [Fact]
    public void all_errors_of_an_event_are_reported()
    {
        var errors = Check(
            Fill.Replace("\"quantity\":100", "\"quantity\":-1").Replace("\"currency\":\"USD\"", "\"currency\":5")
        );
        Assert.Equal(["/data/0/payload/quantity", "/data/0/payload/currency"], errors.Select(e => e.Pointer));
    }

    [Theory]
    [InlineData("\"currency\":\"USD\\n\"")]
    [InlineData("\"currency\":\"USD\",\"fill_id\":\"x\",\"fee_micros\":1e3")]
    public void rules_that_net_regexes_and_floats_would_let_through_are_enforced(string replacement)
    {
        // A final '$' is matched as in ECMA 262 (not before a trailing newline), and integers never have exponents.
        Assert.NotEmpty(Check(Fill.Replace("\"currency\":\"USD\"", replacement)));
    }

    [Theory]
    [InlineData("2026-11-22")]
    [InlineData("2026-11-22T09:30:00")]
    [InlineData("2026-11-22 09:30:00Z")]
    public void ts_must_be_a_full_rfc_3339_date_time_with_a_zone(string ts)
    {
        var error = Assert.Single(Check(Fill.Replace("\"series\"", $"\"ts\":\"{ts}\",\"series\"")));
        Assert.Equal("format", error.Keyword);
    }

    [Fact]
    public void a_schema_keyword_the_validator_does_not_implement_fails_at_start_up()
    {
        var error = Assert.Throws<NotSupportedException>(() =>
            EventSchema.Parse("""{"type":"object","patternProperties":{"^x":{}}}""")
        );
        Assert.Contains("patternProperties", error.Message);
    }

    [Fact]
    public void a_reference_that_does_not_resolve_fails_at_start_up()
    {
        Assert.Throws<InvalidDataException>(() => EventSchema.Parse("""{"$ref":"#/definitions/missing"}"""));
    }
}

/// <summary>The schema's segment rule and KeySegment (the code's one definition) must never drift apart.</summary>
public sealed class event_schema_segments
{
    [Fact]
    public void the_schema_accepts_exactly_the_segments_that_key_segment_accepts()
    {
        var random = new Random(11);
        const string alphabet = "aZ09._-/ é~\t";
        for (var i = 0; i < 5000; i++)
        {
            var length = random.Next(0, 70);
            var segment = new string(
                Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()
            );
            var json = JsonSerializer.Serialize(
                new
                {
                    type = "runtime.llm_call",
                    series = segment,
                    payload = new
                    {
                        model = "m",
                        input_tokens = 1,
                        output_tokens = 1,
                    },
                }
            );
            var schemaAccepts = EventSchema
                .Embedded.Validate(JsonDocument.Parse(json).RootElement)
                .All(e => e.Pointer != "/series");
            Assert.True(
                schemaAccepts == PitPlatform.Contracts.Keys.KeySegment.IsValid(segment),
                $"disagree on \"{segment}\""
            );
        }
    }
}

public sealed class event_schema_repeated_members
{
    [Fact]
    public void a_member_given_twice_is_refused()
    {
        const string json =
            """{"type":"exec.trade_fill","series":"alpha","series":"beta","cell":"0001","payload":{"instrument":"ACME","side":"buy","quantity":1,"price_micros":1,"currency":"USD"}}""";
        var error = Assert.Single(EventSchema.Embedded.Validate(JsonDocument.Parse(json).RootElement, "/data/0"));
        Assert.Equal("/data/0/series", error.Pointer);
        Assert.Contains("more than once", error.Message);
    }
}
