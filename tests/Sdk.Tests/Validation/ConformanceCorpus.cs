using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PitPlatform.Contracts.Schema;
using PitPlatform.Sdk.Tests.Support;

namespace PitPlatform.Sdk.Tests.Validation;

/// <summary>One event of the corpus and what the server answers for it at <c>/data/0</c> (no errors: valid).</summary>
internal sealed record ConformanceCase(string Name, string Json, IReadOnlyList<ConformanceError> Errors);

internal sealed record ConformanceError(string Code, string Pointer, string Message);

/// <summary>
/// sdk/conformance/event-validation.json: the language-neutral corpus every SDK's validator is held to. It is made here
/// from two valid events and mutations of each member (removed, retyped, out of range, badly formatted, extra, text no
/// store can hold), with the server's own answer as the expectation; a test keeps the file equal to what this makes.
/// </summary>
internal static class ConformanceCorpus
{
    public const string PointerPrefix = "/data/0";
    public const string RelativePath = "sdk/conformance/event-validation.json";
    public const string RewriteSetting = "PIT_WRITE_CONFORMANCE_CORPUS";

    private const string Fill =
        """{"type":"exec.trade_fill","event_id":"0192f1c4-8a3b-7c1d-9e2f-3a4b5c6d7e8f","ts":"2026-11-22T09:30:00Z","tenant":"demo","series":"alpha","cell":"0001","payload":{"instrument":"ACME","side":"buy","quantity":100,"price_micros":12500000,"currency":"USD","fee_micros":0,"fill_id":"F-1"}}""";
    private const string Llm =
        """{"type":"runtime.llm_call","series":"assistant","payload":{"model":"gpt-4.1","prompt":"p","response":"r","input_tokens":12,"output_tokens":9,"cost_micros":310,"currency":"USD","latency_ms":840,"run_id":"r1","user_id":"u1","flagged":false}}""";

    // JsonNode writes an unpaired surrogate as U+FFFD, so these placeholders become the escapes in the final text.
    private const string LoneHigh = "@high@";
    private const string LoneLow = "@low@";
    private const string Reversed = "@low@@high@";
    private const string EscapedPair = "@pair@";

    private static readonly JsonNode?[] Replacements =
    [
        null,
        JsonValue.Create(""),
        JsonValue.Create("x"),
        JsonValue.Create("USD\n"),
        JsonValue.Create("usd"),
        JsonValue.Create(new string('a', 65)),
        JsonValue.Create("2026-11-22T09:30:00"),
        JsonValue.Create("2026-13-22T09:30:00Z"),
        JsonValue.Create("not-a-uuid"),
        JsonValue.Create(0),
        JsonValue.Create(-1),
        JsonValue.Create(1.5),
        JsonValue.Create(1_000_000_000_001L),
        JsonValue.Create(long.MaxValue),
        JsonValue.Create(true),
        new JsonArray(),
        new JsonObject(),
        JsonValue.Create("sell"),
        JsonValue.Create("exec.unknown"),
        // Text the stores cannot hold: U+0000, and unpaired surrogates, beside text they can (a pair, escaped or not).
        JsonValue.Create("\0"),
        JsonValue.Create("AC\0ME"),
        JsonValue.Create(LoneHigh),
        JsonValue.Create(LoneLow),
        JsonValue.Create($"A{LoneHigh}B"),
        JsonValue.Create(Reversed),
        JsonValue.Create("\u00e9\U0001F600"),
        JsonValue.Create(EscapedPair),
        // Instants at and beyond the years the platform holds, and integers beyond 64 bits.
        JsonValue.Create("1970-01-01T00:00:00Z"),
        JsonValue.Create("1969-12-31T23:59:59Z"),
        JsonValue.Create("0001-01-01T00:00:00Z"),
        JsonValue.Create("9998-12-31T23:59:59.9999999Z"),
        JsonValue.Create("9999-01-01T00:00:00Z"),
        JsonValue.Create("9999-12-31T23:59:59Z"),
        JsonValue.Create("1970-01-01T00:00:00+01:00"),
        JsonNode.Parse("9223372036854775808"),
        JsonNode.Parse("-9223372036854775809"),
        JsonNode.Parse("1e400"),
    ];

    /// <summary>The corpus as the generator makes it, each event with the server's answer.</summary>
    public static IReadOnlyList<ConformanceCase> Generate()
    {
        var texts = new List<(string Name, string Json)>
        {
            ("valid exec.trade_fill", Fill),
            ("valid runtime.llm_call", Llm),
            ("an array", "[]"),
            ("a string", "\"text\""),
            ("an empty object", "{}"),
            ("a numeric type", """{"type":42}"""),
        };
        foreach (var (type, source) in new[] { ("exec.trade_fill", Fill), ("runtime.llm_call", Llm) })
        {
            foreach (var path in MemberPaths(JsonNode.Parse(source)!.AsObject(), ""))
            {
                texts.Add(($"{type}: {path} removed", Mutate(source, path, remove: true, null)));
                foreach (var replacement in Replacements)
                {
                    var json = Mutate(source, path, remove: false, replacement);
                    texts.Add(($"{type}: {path} = {Describe(replacement)}", json));
                }
            }
            texts.Add(($"{type}: an extra member", Mutate(source, "/extra", remove: false, JsonValue.Create(1))));
            texts.Add(
                (
                    $"{type}: an extra payload member",
                    Mutate(source, "/payload/extra", remove: false, JsonValue.Create(1))
                )
            );
            // Member names the stores cannot hold, at the top and in the payload.
            foreach (
                var (name, label) in new[]
                {
                    ("\0", "U+0000"),
                    ($"x{LoneHigh}", "x and a lone high surrogate"),
                    (LoneLow, "a lone low surrogate"),
                }
            )
            {
                texts.Add(
                    (
                        $"{type}: a member named {label}",
                        Unpaired(Mutate(source, $"/{name}", remove: false, JsonValue.Create(1)))
                    )
                );
                texts.Add(
                    (
                        $"{type}: a payload member named {label}",
                        Unpaired(Mutate(source, $"/payload/{name}", remove: false, JsonValue.Create("v")))
                    )
                );
            }
        }
        texts.Add(("a string holding a lone high surrogate", Unpaired($"\"{LoneHigh}\"")));
        texts.Add(("an array holding a lone low surrogate", Unpaired($"[\"{LoneLow}\"]")));

        // The same text can come from two mutations (a member removed twice over); the corpus keeps the first.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return texts
            .Where(t => seen.Add(t.Json))
            .Select(t => new ConformanceCase(t.Name, t.Json, ServerErrors(t.Json)))
            .ToList();
    }

    /// <summary>
    /// The server's validator (shared/PitPlatform.Contracts/Schema) on one event at <see cref="PointerPrefix"/>.
    /// </summary>
    public static IReadOnlyList<ConformanceError> ServerErrors(string json)
    {
        using var document = JsonDocument.Parse(json);
        return EventSchema
            .Embedded.Validate(document.RootElement, PointerPrefix)
            .Select(e => new ConformanceError(
                e.Keyword == SchemaError.UnknownType ? "ERR_UNKNOWN_EVENT_TYPE" : "ERR_VALIDATION",
                e.Pointer,
                e.Message
            ))
            .ToList();
    }

    public static string FilePath => Path.Combine(Repository.Root, RelativePath);

    public static IReadOnlyList<ConformanceCase> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(FilePath));
        return document
            .RootElement.GetProperty("cases")
            .EnumerateArray()
            .Select(c => new ConformanceCase(
                Unquote(c.GetProperty("name")),
                Unquote(c.GetProperty("json")),
                c.GetProperty("errors")
                    .EnumerateArray()
                    .Select(e => new ConformanceError(
                        Unquote(e.GetProperty("code")),
                        Unquote(e.GetProperty("pointer")),
                        Unquote(e.GetProperty("message"))
                    ))
                    .ToList()
            ))
            .ToList();
    }

    /// <summary>
    /// The file's text for <paramref name="cases"/>: one case per line, so a change reads as a short diff.
    /// </summary>
    public static string Render(IReadOnlyList<ConformanceCase> cases)
    {
        var text = new StringBuilder();
        text.Append("{\n  \"about\": ")
            .Append(
                Quote(
                    "Events and what PIT's ingest API answers for each, validated as the first event of a "
                        + "request (pointer_prefix). "
                        + "Every SDK's client-side validator must give exactly these errors, in this order: "
                        + "code, pointer and message. "
                        + "json is the event's JSON text (it may hold escapes of unpaired surrogates, integers "
                        + "beyond 64 bits and 1e400); "
                        + "a pointer to a member whose name is not text holds that name's UTF-16 code units as "
                        + "they are. "
                        + "Made by tests/Sdk.Tests/Validation/ConformanceCorpus.cs from "
                        + "docs/EVENT_SCHEMA.json; rewrite it with "
                        + $"{RewriteSetting}=1 dotnet test tests/Sdk.Tests --filter schema_agreement."
                )
            );
        text.Append(",\n  \"schema\": \"docs/EVENT_SCHEMA.json\",\n  \"pointer_prefix\": ")
            .Append(Quote(PointerPrefix))
            .Append(",\n  \"cases\": [\n");
        for (var i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            text.Append("    {\"name\":")
                .Append(Quote(c.Name))
                .Append(",\"json\":")
                .Append(Quote(c.Json))
                .Append(",\"errors\":[");
            text.AppendJoin(
                ',',
                c.Errors.Select(e =>
                    $"{{\"code\":{Quote(e.Code)},\"pointer\":{Quote(e.Pointer)},\"message\":{Quote(e.Message)}}}"
                )
            );
            text.Append(i < cases.Count - 1 ? "]},\n" : "]}\n");
        }
        return text.Append("  ]\n}\n").ToString();
    }

    /// <summary>
    /// A JSON string literal that keeps every UTF-16 code unit: System.Text.Json would write an unpaired surrogate (in
    /// a pointer to a member name that is not text) as U+FFFD, which is another name.
    /// </summary>
    private static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c == '"' || c == '\\')
                quoted.Append('\\').Append(c);
            else if (c < 0x20 || c > 0x7E)
                quoted.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            else
                quoted.Append(c);
        }
        return quoted.Append('"').ToString();
    }

    /// <summary>
    /// A string's value with every escape kept as the code unit it names (GetString refuses unpaired surrogates).
    /// </summary>
    private static string Unquote(JsonElement element)
    {
        var raw = element.GetRawText();
        var value = new StringBuilder(raw.Length);
        for (var i = 1; i < raw.Length - 1; i++)
        {
            if (raw[i] != '\\')
            {
                value.Append(raw[i]);
                continue;
            }
            var escape = raw[++i];
            value.Append(
                escape switch
                {
                    'b' => '\b',
                    'f' => '\f',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'u' => (char)Convert.ToInt32(raw.Substring(i + 1, 4), 16),
                    _ => escape,
                }
            );
            if (escape == 'u')
                i += 4;
        }
        return value.ToString();
    }

    private static string Describe(JsonNode? replacement) =>
        replacement is null
            ? "null"
            : Unpaired(
                replacement.ToJsonString() switch
                {
                    var s when s.Length > 40 => s[..37] + "...\"",
                    var s => s,
                }
            );

    private static string Unpaired(string json) =>
        json.Replace(LoneHigh, "\\ud800", StringComparison.Ordinal)
            .Replace(LoneLow, "\\udfff", StringComparison.Ordinal)
            .Replace(EscapedPair, "\\ud83d\\ude00", StringComparison.Ordinal);

    private static IEnumerable<string> MemberPaths(JsonObject node, string prefix)
    {
        foreach (var (name, value) in node)
        {
            yield return $"{prefix}/{name}";
            if (value is JsonObject child)
            {
                foreach (var nested in MemberPaths(child, $"{prefix}/{name}"))
                    yield return nested;
            }
        }
    }

    private static string Mutate(string source, string path, bool remove, JsonNode? replacement)
    {
        var root = JsonNode.Parse(source)!.AsObject();
        var tokens = path.Trim('/').Split('/');
        var parent = root;
        foreach (var token in tokens[..^1])
            parent = parent[token]!.AsObject();
        if (remove)
            parent.Remove(tokens[^1]);
        else
            parent[tokens[^1]] = replacement?.DeepClone();
        return Unpaired(root.ToJsonString());
    }
}
