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
    ];

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
            }
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

    [Fact]
    public void the_corpus_holds_both_valid_and_refused_events()
    {
        var outcomes = Corpus.Select(row => EventSchema.Embedded.IsValid(JsonDocument.Parse(row.Data).RootElement)).ToList();
        Assert.True(outcomes.Count(valid => valid) >= 10, "too few valid events in the corpus");
        Assert.True(outcomes.Count(valid => !valid) >= 300, "too few refused events in the corpus");
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
        return root.ToJsonString();
    }
}
