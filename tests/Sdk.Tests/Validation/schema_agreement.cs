using System.Text.Json;
using System.Text.Json.Nodes;
using PitPlatform.Contracts.Schema;
using PitPlatform.Sdk.Schema;
using Xunit;

namespace PitPlatform.Sdk.Tests.Validation;

/// <summary>
/// The SDK's validator and the server's (shared/PitPlatform.Contracts/Schema) read the same docs/EVENT_SCHEMA.json and
/// must refuse the same events with the same codes, pointers and messages: a corpus of valid events and mutations of
/// each member (removed, retyped, out of range, badly formatted, extra) is checked against both.
/// </summary>
public sealed class schema_agreement
{
    private const string Fill = """{"type":"exec.trade_fill","event_id":"0192f1c4-8a3b-7c1d-9e2f-3a4b5c6d7e8f","ts":"2026-11-22T09:30:00Z","tenant":"demo","series":"alpha","cell":"0001","payload":{"instrument":"ACME","side":"buy","quantity":100,"price_micros":12500000,"currency":"USD","fee_micros":0,"fill_id":"F-1"}}""";
    private const string Llm = """{"type":"runtime.llm_call","series":"assistant","payload":{"model":"gpt-4.1","prompt":"p","response":"r","input_tokens":12,"output_tokens":9,"cost_micros":310,"currency":"USD","latency_ms":840,"run_id":"r1","user_id":"u1","flagged":false}}""";

    private static readonly JsonNode?[] Replacements =
    [
        null, JsonValue.Create(""), JsonValue.Create("x"), JsonValue.Create("USD\n"), JsonValue.Create("usd"), JsonValue.Create(new string('a', 65)),
        JsonValue.Create("2026-11-22T09:30:00"), JsonValue.Create("2026-13-22T09:30:00Z"), JsonValue.Create("not-a-uuid"),
        JsonValue.Create(0), JsonValue.Create(-1), JsonValue.Create(1.5), JsonValue.Create(1_000_000_000_001L), JsonValue.Create(long.MaxValue),
        JsonValue.Create(true), new JsonArray(), new JsonObject(), JsonValue.Create("sell"), JsonValue.Create("exec.unknown"),
        // Text the stores cannot hold: U+0000, and unpaired surrogates (written as placeholders, see Unpaired), beside
        // text they can (a pair, escaped or not).
        JsonValue.Create("\0"), JsonValue.Create("AC\0ME"), JsonValue.Create(LoneHigh), JsonValue.Create(LoneLow), JsonValue.Create($"A{LoneHigh}B"),
        JsonValue.Create(Reversed), JsonValue.Create("\u00e9\U0001F600"), JsonValue.Create(EscapedPair),
        // Instants at and beyond the years the platform holds, and integers beyond 64 bits.
        JsonValue.Create("1970-01-01T00:00:00Z"), JsonValue.Create("1969-12-31T23:59:59Z"), JsonValue.Create("0001-01-01T00:00:00Z"),
        JsonValue.Create("9998-12-31T23:59:59.9999999Z"), JsonValue.Create("9999-01-01T00:00:00Z"), JsonValue.Create("9999-12-31T23:59:59Z"),
        JsonValue.Create("1970-01-01T00:00:00+01:00"), JsonNode.Parse("9223372036854775808"), JsonNode.Parse("-9223372036854775809"), JsonNode.Parse("1e400"),
    ];

    // JsonNode writes an unpaired surrogate as U+FFFD, so these placeholders become the escapes in the final text.
    private const string LoneHigh = "@high@";
    private const string LoneLow = "@low@";
    private const string Reversed = "@low@@high@";
    private const string EscapedPair = "@pair@";

    private static string Unpaired(string json) =>
        json.Replace(LoneHigh, "\\ud800", StringComparison.Ordinal).Replace(LoneLow, "\\udfff", StringComparison.Ordinal)
            .Replace(EscapedPair, "\\ud83d\\ude00", StringComparison.Ordinal);

    public static TheoryData<string> Corpus
    {
        get
        {
            var corpus = new TheoryData<string> { Fill, Llm, "[]", "\"text\"", "{}", """{"type":42}""" };
            foreach (var source in new[] { Fill, Llm })
            {
                var original = JsonNode.Parse(source)!.AsObject();
                foreach (var (path, _) in Members(original, ""))
                {
                    corpus.Add(Mutate(source, path, remove: true, null));
                    foreach (var replacement in Replacements) corpus.Add(Mutate(source, path, remove: false, replacement));
                }
                corpus.Add(Mutate(source, "/extra", remove: false, JsonValue.Create(1)));
                corpus.Add(Mutate(source, "/payload/extra", remove: false, JsonValue.Create(1)));
                // Member names the stores cannot hold, at the top and in the payload.
                foreach (var name in new[] { "\0", $"x{LoneHigh}", LoneLow })
                {
                    corpus.Add(Unpaired(Mutate(source, $"/{name}", remove: false, JsonValue.Create(1))));
                    corpus.Add(Unpaired(Mutate(source, $"/payload/{name}", remove: false, JsonValue.Create("v"))));
                }
            }
            corpus.Add(Unpaired($"\"{LoneHigh}\""));
            corpus.Add(Unpaired($"[\"{LoneLow}\"]"));
            return corpus;
        }
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void the_sdk_refuses_exactly_what_the_server_refuses(string json)
    {
        using var document = JsonDocument.Parse(json);

        var server = EventSchema.Embedded.Validate(document.RootElement, "/data/0")
            .Select(e => (Code: e.Keyword == SchemaError.UnknownType ? "ERR_UNKNOWN_EVENT_TYPE" : "ERR_VALIDATION", e.Pointer, e.Message)).ToList();
        var sdk = (EventSchemaValidator.Embedded.Validate(document.RootElement, "/data/0") ?? []).Select(e => (e.Code, Pointer: e.Pointer!, e.Message)).ToList();

        Assert.Equal(server, sdk);
    }

    [Theory]
    [InlineData("payload/instrument")]
    [InlineData("series")]
    [InlineData("extra")]
    public void bytes_that_are_not_utf8_are_refused_alike(string member)
    {
        // JSON text only the SDK's own writer could get wrong: a string (or a member name) with a lead byte alone.
        var json = System.Text.Encoding.UTF8.GetBytes(member == "extra" ? Fill.Replace("\"series\"", "\"e#\":1,\"series\"") : Fill);
        var marker = member switch { "payload/instrument" => "ACME", "series" => "alpha", _ => "e#" };
        var at = json.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(marker));
        json[at + 1] = 0xC3;
        using var document = JsonDocument.Parse(json);

        var server = EventSchema.Embedded.Validate(document.RootElement, "/data/0").Select(e => (e.Pointer, e.Message)).ToList();
        var sdk = (EventSchemaValidator.Embedded.Validate(document.RootElement, "/data/0") ?? []).Select(e => (e.Pointer!, e.Message)).ToList();

        Assert.NotEmpty(server);
        Assert.Equal(server, sdk);
        Assert.Equal(member == "extra" ? "/data/0/e\uFFFD" : $"/data/0/{member}", server[0].Pointer);
    }

    [Fact]
    public void the_corpus_holds_both_valid_and_refused_events()
    {
        var outcomes = Corpus.Select(row => EventSchema.Embedded.IsValid(JsonDocument.Parse(row.Data).RootElement)).ToList();
        Assert.True(outcomes.Count(valid => valid) >= 10, "too few valid events in the corpus");
        Assert.True(outcomes.Count(valid => !valid) >= 300, "too few refused events in the corpus");
        var texts = Corpus.Select(row => row.Data).ToList();
        Assert.True(texts.Count(t => EventSchema.TextErrors(JsonDocument.Parse(t).RootElement).Count > 0) >= 50, "too few unpaired surrogates in the corpus");
        Assert.True(texts.Count(t => t.Contains("\\u0000", StringComparison.Ordinal)) >= 30, "too few U+0000 in the corpus");
        Assert.True(texts.Count(t => t.Contains("\"ts\":\"9999-", StringComparison.Ordinal)) >= 2, "too few times out of range in the corpus");
    }

    private static IEnumerable<(string Path, JsonNode? Value)> Members(JsonObject node, string prefix)
    {
        foreach (var (name, value) in node)
        {
            yield return ($"{prefix}/{name}", value);
            if (value is JsonObject child)
            {
                foreach (var nested in Members(child, $"{prefix}/{name}")) yield return nested;
            }
        }
    }

    private static string Mutate(string source, string path, bool remove, JsonNode? replacement)
    {
        var root = JsonNode.Parse(source)!.AsObject();
        var tokens = path.Trim('/').Split('/');
        var parent = root;
        foreach (var token in tokens[..^1]) parent = parent[token]!.AsObject();
        if (remove) parent.Remove(tokens[^1]);
        else parent[tokens[^1]] = replacement?.DeepClone();
        return Unpaired(root.ToJsonString());
    }
}
