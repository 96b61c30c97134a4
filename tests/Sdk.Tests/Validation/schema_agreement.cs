using System.Text.Json;
using PitPlatform.Contracts.Schema;
using PitPlatform.Sdk.Schema;
using Xunit;

namespace PitPlatform.Sdk.Tests.Validation;

/// <summary>
/// The SDK's validator and the server's (shared/PitPlatform.Contracts/Schema) read the same docs/EVENT_SCHEMA.json and
/// must refuse the same events with the same codes, pointers and messages. The corpus they are held to is
/// sdk/conformance/event-validation.json, which the Python and TypeScript SDKs' tests read too.
/// </summary>
public sealed class schema_agreement
{
    private const string Fill =
        """{"type":"exec.trade_fill","event_id":"0192f1c4-8a3b-7c1d-9e2f-3a4b5c6d7e8f","ts":"2026-11-22T09:30:00Z","tenant":"demo","series":"alpha","cell":"0001","payload":{"instrument":"ACME","side":"buy","quantity":100,"price_micros":12500000,"currency":"USD","fee_micros":0,"fill_id":"F-1"}}""";

    private static readonly Lazy<IReadOnlyList<ConformanceCase>> Cases = new(ConformanceCorpus.Load);

    public static TheoryData<int> CaseNumbers => new(Enumerable.Range(0, Cases.Value.Count));

    [Fact]
    public void the_conformance_corpus_is_what_the_generator_makes_with_the_servers_answers()
    {
        var generated = ConformanceCorpus.Render(ConformanceCorpus.Generate());
        if (Environment.GetEnvironmentVariable(ConformanceCorpus.RewriteSetting) == "1")
            File.WriteAllText(ConformanceCorpus.FilePath, generated);

        var onDisk = File.ReadAllText(ConformanceCorpus.FilePath).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.True(
            generated == onDisk,
            $"{ConformanceCorpus.RelativePath} differs from what the generator and the server's validator "
                + $"give; rewrite it with {ConformanceCorpus.RewriteSetting}=1 and review the diff"
        );
    }

    [Theory]
    [MemberData(nameof(CaseNumbers))]
    public void the_sdk_refuses_exactly_what_the_corpus_lists(int number)
    {
        var expected = Cases.Value[number];
        using var document = JsonDocument.Parse(expected.Json);

        var sdk = (EventSchemaValidator.Embedded.Validate(document.RootElement, ConformanceCorpus.PointerPrefix) ?? [])
            .Select(e => new ConformanceError(e.Code, e.Pointer!, e.Message))
            .ToList();

        Assert.Equal(expected.Errors, sdk);
    }

    [Theory]
    [MemberData(nameof(CaseNumbers))]
    public void the_server_refuses_exactly_what_the_corpus_lists(int number)
    {
        var expected = Cases.Value[number];
        Assert.Equal(expected.Errors, ConformanceCorpus.ServerErrors(expected.Json));
    }

    [Theory]
    [InlineData("payload/instrument")]
    [InlineData("series")]
    [InlineData("extra")]
    public void bytes_that_are_not_utf8_are_refused_alike(string member)
    {
        // JSON text only the SDK's own writer could get wrong: a string (or a member name) with a lead byte alone.
        var json = System.Text.Encoding.UTF8.GetBytes(
            member == "extra" ? Fill.Replace("\"series\"", "\"e#\":1,\"series\"") : Fill
        );
        var marker = member switch
        {
            "payload/instrument" => "ACME",
            "series" => "alpha",
            _ => "e#",
        };
        var at = json.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(marker));
        json[at + 1] = 0xC3;
        using var document = JsonDocument.Parse(json);

        var server = EventSchema
            .Embedded.Validate(document.RootElement, "/data/0")
            .Select(e => (e.Pointer, e.Message))
            .ToList();
        var sdk = (EventSchemaValidator.Embedded.Validate(document.RootElement, "/data/0") ?? [])
            .Select(e => (e.Pointer!, e.Message))
            .ToList();

        Assert.NotEmpty(server);
        Assert.Equal(server, sdk);
        Assert.Equal(member == "extra" ? "/data/0/e\uFFFD" : $"/data/0/{member}", server[0].Pointer);
    }

    [Fact]
    public void the_corpus_holds_both_valid_and_refused_events()
    {
        var cases = Cases.Value;
        Assert.True(cases.Count(c => c.Errors.Count == 0) >= 10, "too few valid events in the corpus");
        Assert.True(cases.Count(c => c.Errors.Count > 0) >= 300, "too few refused events in the corpus");
        Assert.True(
            cases.Count(c => EventSchema.TextErrors(JsonDocument.Parse(c.Json).RootElement).Count > 0) >= 50,
            "too few unpaired surrogates in the corpus"
        );
        Assert.True(
            cases.Count(c => c.Json.Contains("\\u0000", StringComparison.Ordinal)) >= 30,
            "too few U+0000 in the corpus"
        );
        Assert.True(
            cases.Count(c => c.Json.Contains("\"ts\":\"9999-", StringComparison.Ordinal)) >= 2,
            "too few times out of range in the corpus"
        );
        Assert.Contains(cases, c => c.Errors.Any(e => e.Code == "ERR_UNKNOWN_EVENT_TYPE"));
    }
}
