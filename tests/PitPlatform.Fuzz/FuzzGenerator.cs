using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PitPlatform.Ingestion.Tests.OpenApi;

namespace PitPlatform.Fuzz;

/// <summary>
/// Generates request <c>i</c> of seed <c>s</c> from its own <see cref="Random"/> (seeded by both), so any single case
/// can be made again alone. Every operation and parameter of docs/API_SPEC.yaml and every event type of
/// docs/EVENT_SCHEMA.json is drawn from: valid requests (the spec's examples, and values generated from the schemas),
/// then one mutation per case — of a parameter, a body member, the JSON text or bytes, the media type or encoding,
/// the path, the method or the key.
/// </summary>
public sealed class FuzzGenerator
{
    private readonly int _seed;
    private readonly List<SpecOperation> _operations;
    private readonly SchemaValues _api;
    private readonly SchemaValues _events;
    private readonly JsonElement _eventSchema;
    private readonly List<string> _eventTypes;
    private readonly string? _tenant;

    /// <param name="tenant">The keys' tenant, for events that name it (null: events never name one).</param>
    public FuzzGenerator(int seed, string? tenant)
    {
        _seed = seed;
        _tenant = tenant;
        var spec = ApiSpec.Current;
        _operations = [.. spec.Operations];
        _api = new SchemaValues(spec.Resolve);
        using var schema = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.EventSchema));
        _eventSchema = schema.RootElement.Clone();
        _events = new SchemaValues(ResolveEventSchema);
        _eventTypes =
        [
            .. _eventSchema
                .GetProperty("definitions")
                .EnumerateObject()
                .Where(d =>
                    d.Value.TryGetProperty("properties", out var p)
                    && p.TryGetProperty("type", out var t)
                    && t.TryGetProperty("enum", out _)
                )
                .Select(d => d.Name),
        ];
    }

    public IReadOnlyList<string> Operations => [.. _operations.Select(o => o.Id)];

    public IReadOnlyList<string> EventTypes => _eventTypes;

    private JsonElement ResolveEventSchema(JsonElement node)
    {
        while (node.ValueKind == JsonValueKind.Object && node.TryGetProperty("$ref", out var reference))
            node = _eventSchema
                .GetProperty("definitions")
                .GetProperty(reference.GetString()!["#/definitions/".Length..]);
        return node;
    }

    /// <summary>splitmix64 of (seed, index): neighbouring cases get unrelated streams.</summary>
    private static int Mix(int seed, int index)
    {
        var z = ((ulong)(uint)seed << 32 | (uint)index) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)(z ^ (z >> 31));
    }

    public FuzzCase Case(int index)
    {
        var rng = new Random(Mix(_seed, index));
        // POST /v1/events is the busiest and widest surface: it gets as many draws as all the others together.
        var operation =
            rng.Next(2) == 0
                ? _operations.Single(o => o.Id == "POST /v1/events")
                : _operations[rng.Next(_operations.Count)];
        var request = Valid(operation, rng);
        var roll = rng.Next(100);
        return roll switch
        {
            < 25 => request.Build(index, "valid"),
            < 45 => MutateBody(request, rng).Build(index),
            < 60 => MutateParameter(request, rng).Build(index),
            < 68 => MutateMedia(request, rng).Build(index),
            < 78 => MutatePath(request, rng).Build(index),
            < 84 => MutateMethod(request, rng).Build(index),
            < 92 => MutateKey(request, rng).Build(index),
            _ => MutateSize(request, rng).Build(index),
        };
    }

    // --- valid requests ------------------------------------------------------------------------------------------

    private Draft Valid(SpecOperation operation, Random rng)
    {
        var draft = new Draft(operation.Id, operation.Method, operation.Path);
        if (operation.Path == "/v1/events")
        {
            draft.Json = new JsonObject
            {
                ["data"] = new JsonArray([
                    .. Enumerable
                        .Range(0, rng.Next(10) == 0 ? rng.Next(2, 40) : rng.Next(1, 4))
                        .Select(_ => Event(rng)),
                ]),
            };
            if (rng.Next(4) == 0)
                draft.Headers.Add(new("X-Request-Id", SchemaValues.Chars(rng, "abcdef0123456789", 32)));
            return draft;
        }
        // Half the time a documented request (the spec's examples), else values generated from the parameter schemas.
        var cases = operation.Cases.Where(c => operation.PairedStatus(c) is null or (>= 200 and < 300)).ToList();
        if (cases.Count > 0 && rng.Next(2) == 0)
        {
            var documented = operation.Request(cases[rng.Next(cases.Count)]);
            var split = documented.PathAndQuery.IndexOf('?', StringComparison.Ordinal);
            draft.Path = split < 0 ? documented.PathAndQuery : documented.PathAndQuery[..split];
            if (split >= 0)
            {
                foreach (var pair in documented.PathAndQuery[(split + 1)..].Split('&'))
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    draft.Query.Add(new(pair[..eq], pair[(eq + 1)..]));
                }
            }
            foreach (var (name, value) in documented.Headers)
                draft.Headers.Add(new(name, value));
            if (documented.Body is not null)
                draft.Json = JsonNode.Parse(documented.Body);
            return draft;
        }
        foreach (var parameter in operation.Parameters)
        {
            var name = parameter.GetProperty("name").GetString()!;
            var location = parameter.GetProperty("in").GetString();
            var required = parameter.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.True;
            if (!required && rng.Next(2) == 0)
                continue;
            var value = ParameterValue(parameter, rng);
            switch (location)
            {
                case "path":
                    draft.Path = draft.Path.Replace(
                        "{" + name + "}",
                        Uri.EscapeDataString(value),
                        StringComparison.Ordinal
                    );
                    break;
                case "query":
                    draft.Query.Add(new(name, Uri.EscapeDataString(value)));
                    break;
                case "header":
                    draft.Headers.Add(new(name, value));
                    break;
            }
        }
        if (operation.RequestMedia is { } media)
            draft.Json = _api.Valid(media.GetProperty("schema"), rng);
        return draft;
    }

    private string ParameterValue(JsonElement parameter, Random rng)
    {
        var examples = new List<JsonElement>();
        if (parameter.TryGetProperty("example", out var single))
            examples.Add(single);
        var schema = parameter.GetProperty("schema");
        var generated = _api.Valid(schema, rng);
        if (examples.Count > 0 && rng.Next(3) == 0)
        {
            var example = examples[rng.Next(examples.Count)];
            return example.ValueKind == JsonValueKind.String ? example.GetString()! : example.GetRawText();
        }
        return generated is JsonValue v && v.TryGetValue<string>(out var text) ? text : generated?.ToJsonString() ?? "";
    }

    /// <summary>A valid event of a type from the event schema, in a series of the fuzzer's own.</summary>
    private JsonObject Event(Random rng)
    {
        var type = _eventTypes[rng.Next(_eventTypes.Count)];
        var node = (JsonObject)_events.Valid(_eventSchema.GetProperty("definitions").GetProperty(type), rng)!;
        node["series"] = "fz-" + SchemaValues.Segment(rng, 1, 12);
        if (node.ContainsKey("tenant") || rng.Next(20) == 0)
        {
            if (_tenant is null)
                node.Remove("tenant");
            else
                node["tenant"] = _tenant;
        }
        return node;
    }

    // --- mutations -----------------------------------------------------------------------------------------------

    private static readonly string[] Boundaries =
    [
        "0",
        "-1",
        "1",
        "-0",
        "0.0",
        "1.5",
        "1e3",
        "1E+2",
        "-1e-7",
        "2147483647",
        "2147483648",
        "-2147483649",
        "4294967296",
        "9007199254740993",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551616",
        "1e19",
        "1e308",
        "1e309",
        "-1e309",
        "123456789012345678901234567890",
        "0.1e1",
        "1000000000000",
        "1000000000001",
    ];

    private static readonly string[] Dates =
    [
        "0001-01-01T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59.9999999Z",
        "10000-01-01T00:00:00Z",
        "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59Z",
        "2024-02-29T12:00:00Z",
        "2026-02-29T12:00:00Z",
        "2026-02-30T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-11-22T24:00:00Z",
        "2026-12-31T23:59:60Z",
        "2026-11-22T09:30:00",
        "2026-11-22T09:30:00+14:00",
        "2026-11-22T09:30:00-23:59",
        "2026-11-22T09:30:00+24:00",
        "2026-11-22t09:30:00z",
        "2026-11-22 09:30:00Z",
        "2026-11-22T09:30:00.123456789012Z",
        "2026-11-22",
        "2026-W47-7",
        "1732267800",
        "",
        " ",
        "now",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
    ];

    private static readonly string[] Days =
    [
        "0001-01-01",
        "0000-00-00",
        "9999-12-31",
        "2026-02-30",
        "2026-13-01",
        "2026-1-1",
        "20260101",
        "-2026-01-01",
        "2026-01-01T00:00:00Z",
        "",
        "9999-99-99",
        "2026-00-10",
    ];

    private static readonly string[] Periods =
    [
        "9999-12",
        "0001-01",
        "0000-01",
        "0000-00",
        "2026-13",
        "2026-00",
        "2026-1",
        "999-12",
        "10000-01",
        "2026-12-01",
        "",
        "2026",
    ];

    /// <summary>Strings that stress the text paths, each named by the category its finding is listed under.</summary>
    private static readonly (string Category, string Json)[] Strings =
    [
        ("string.empty", "\"\""),
        ("string.unicode", "\"Ünïcödé ✓ 日本語 \U0001F600 \u202Eevil\u202C e\u0301\""),
        ("string.unicode", "\"\u200B\uFEFF\u00A0\""),
        ("string.control", "\"tab\\tnew\\nline\\u0001\\u001f\\u007f\""),
        ("string.escapes", "\"\\u00e9\\/\\\\\\\"\""),
        ("string.nul", "\"a\\u0000b\""),
        ("string.lone_surrogate", "\"a\\ud800b\""),
        ("string.lone_surrogate", "\"\\udc00\""),
        ("string.surrogate_pair", "\"\\ud83d\\ude00\""),
        ("string.long", "\"" + new string('y', 65) + "\""),
        ("string.long", "\"" + new string('z', 300) + "\""),
    ];

    private Draft MutateBody(Draft draft, Random rng)
    {
        if (draft.Json is null)
        {
            // No body expected: send one anyway.
            draft.Category = "body.unexpected";
            draft.RawBody = Encoding.UTF8.GetBytes("{\"unexpected\":true}");
            draft.ContentType = "application/json";
            return draft;
        }
        var targets = Members(draft.Json, "").ToList();
        var (path, parent, key) = targets.Count > 0 ? targets[rng.Next(targets.Count)] : ("", null, null);
        switch (rng.Next(12))
        {
            case 0 when parent is not null:
                Remove(parent, key!);
                draft.Category = "json.missing_member";
                break;
            case 1:
                var host =
                    parent is not null && Get(parent, key!) is JsonObject inner ? inner : draft.Json as JsonObject;
                if (host is not null)
                    host["zz_extra_" + rng.Next(100)] = rng.Next(2) == 0 ? "extra" : new JsonObject { ["nested"] = 1 };
                draft.Category = "json.extra_member";
                break;
            case 2 or 3 when parent is not null:
                draft.Raw(parent, key!, Boundaries[rng.Next(Boundaries.Length)]);
                draft.Category = "number.boundary";
                break;
            case 4 when parent is not null:
                JsonNode?[] others =
                [
                    JsonValue.Create("text"),
                    JsonValue.Create(42),
                    JsonValue.Create(true),
                    null,
                    new JsonArray(1, 2),
                    new JsonObject(),
                ];
                Set(parent, key!, others[rng.Next(others.Length)]);
                draft.Category = "json.wrong_type";
                break;
            case 5 or 6 or 7 when parent is not null:
                var (category, json) = Strings[rng.Next(Strings.Length)];
                draft.Raw(parent, key!, json);
                draft.Category = category;
                break;
            case 8 when parent is not null:
                draft.Raw(parent, key!, JsonSerializer.Serialize(Dates[rng.Next(Dates.Length)]));
                draft.Category = "date.boundary";
                break;
            case 9 when parent is not null:
                draft.Raw(parent, key!, "\"" + Huge(rng) + "\"");
                draft.Category = "string.huge";
                break;
            case 10:
                return MutateJsonText(draft, rng);
            default:
                return MutateBatch(draft, rng);
        }
        draft.Category += " " + (path.Length == 0 ? "/" : path);
        return draft;
    }

    private static string Huge(Random rng) =>
        new(
            'h',
            rng.Next(4) switch
            {
                0 => 129,
                1 => 4_096,
                2 => 70_000,
                _ => 262_145,
            }
        );

    /// <summary>Text- and byte-level damage to the JSON itself.</summary>
    private static Draft MutateJsonText(Draft draft, Random rng)
    {
        var text = draft.Text();
        var bytes = Encoding.UTF8.GetBytes(text);
        var pick = rng.Next(11) switch
        {
            0 => ("json.truncated", bytes[..Math.Max(0, bytes.Length - 1 - rng.Next(Math.Max(1, bytes.Length / 2)))]),
            1 => ("json.trailing_garbage", [.. bytes, .. "}}]x"u8]),
            2 => (
                "json.root_not_object",
                Encoding.UTF8.GetBytes(new[] { "[]", "1", "\"data\"", "null", "true", "[" + text + "]" }[rng.Next(6)])
            ),
            3 => ("json.empty_body", []),
            4 => ("json.bom", [0xEF, 0xBB, 0xBF, .. bytes]),
            5 => (
                "json.duplicate_key",
                Encoding.UTF8.GetBytes(text.Length > 2 && text[0] == '{' ? "{\"data\":[]," + text[1..] : text)
            ),
            6 => (
                "utf8.invalid",
                InjectBytes(
                    bytes,
                    rng,
                    [
                        [0xC3, 0x28],
                        [0xFF],
                        [0xC0, 0xAF],
                        [0xED, 0xA0, 0x80],
                        [0xF4, 0x90, 0x80, 0x80],
                        [0x80],
                    ]
                )
            ),
            7 => (
                "utf8.invalid",
                InjectBytes(
                    bytes,
                    rng,
                    [
                        [0xED, 0xA0, 0x80],
                    ]
                )
            ),
            8 => ("json.single_quotes", Encoding.UTF8.GetBytes(text.Replace('"', '\''))),
            9 => ("json.comments", Encoding.UTF8.GetBytes("/* c */" + text + "// c")),
            _ => (
                "json.nan",
                Encoding.UTF8.GetBytes(text.Length > 2 && text[0] == '{' ? "{\"n\":NaN," + text[1..] : "NaN")
            ),
        };
        draft.Category = pick.Item1;
        draft.RawBody = pick.Item2;
        return draft;
    }

    /// <summary>
    /// Bytes inside a string value (after the first quote past the middle), where a parser meets them late.
    /// </summary>
    private static byte[] InjectBytes(byte[] bytes, Random rng, byte[][] choices)
    {
        var quotes = Enumerable.Range(0, bytes.Length).Where(i => bytes[i] == '"').ToList();
        var at = quotes.Count >= 4 ? quotes[(quotes.Count / 2) | 1] : bytes.Length;
        var insert = choices[rng.Next(choices.Length)];
        return [.. bytes[..at], .. insert, .. bytes[at..]];
    }

    private Draft MutateBatch(Draft draft, Random rng)
    {
        if (draft.Json is not JsonObject root || root["data"] is not JsonArray data)
            return MutateJsonText(draft, rng);
        switch (rng.Next(5))
        {
            case 0:
                root["data"] = new JsonArray();
                draft.Category = "events.empty_batch";
                break;
            case 1:
                var count = rng.Next(2) == 0 ? 1001 : rng.Next(100, 1000);
                root["data"] = new JsonArray([.. Enumerable.Range(0, count).Select(_ => Event(rng))]);
                draft.Category = count > 1000 ? "events.batch_too_big" : "events.big_batch";
                break;
            case 2:
                var first = (JsonObject)data[0]!;
                first["event_id"] = Guid.NewGuid().ToString();
                var again = first.DeepClone();
                if (rng.Next(2) == 0)
                    ((JsonObject)again)["cell"] = "other";
                data.Add(again);
                draft.Category = "events.repeated_event_id";
                break;
            case 3:
                ((JsonObject)data[0]!)["tenant"] = "someone-else";
                draft.Category = "events.tenant_mismatch";
                break;
            default:
                ((JsonObject)data[0]!)["type"] = rng.Next(2) == 0 ? "exec.unknown" : "EXEC.TRADE_FILL";
                draft.Category = "events.unknown_type";
                break;
        }
        return draft;
    }

    private Draft MutateParameter(Draft draft, Random rng)
    {
        var operation = _operations.Single(o => o.Id == draft.Operation);
        var parameters = operation.Parameters.Where(p => p.GetProperty("in").GetString() == "query").ToList();
        if (parameters.Count == 0 || rng.Next(6) == 0)
        {
            draft.Query.Add(new("zz_unknown", "1"));
            draft.Category = "param.unknown";
            return draft;
        }
        var parameter = parameters[rng.Next(parameters.Count)];
        var name = parameter.GetProperty("name").GetString()!;
        var schema = ApiSpec.Current.Resolve(parameter.GetProperty("schema"));
        var (category, value) = rng.Next(9) switch
        {
            0 => ("param.number", Boundaries[rng.Next(Boundaries.Length)]),
            1 => ("param.date", Uri.EscapeDataString(Dates[rng.Next(Dates.Length)])),
            2 => ("param.day", Days[rng.Next(Days.Length)]),
            3 => ("param.period", Periods[rng.Next(Periods.Length)]),
            4 => (
                "param.string",
                new[]
                {
                    "",
                    "%20",
                    "%E2%9C%93",
                    "%F0%9F%98%80",
                    "..",
                    "%2F",
                    "a%2Fb",
                    "%26x%3D1",
                    "<script>",
                    "'%20OR%201=1--",
                }[rng.Next(10)]
            ),
            5 => ("param.control", new[] { "%0A", "%0D%0A", "%7F", "%01", "%1B%5B31m" }[rng.Next(5)]),
            6 => ("string.nul", "a%00b"),
            7 => ("utf8.invalid", new[] { "%FF", "%C3%28", "%ED%A0%80", "%C0%AF", "%80" }[rng.Next(5)]),
            _ => ("param.long", new string('q', rng.Next(2) == 0 ? 513 : 3000)),
        };
        // Type-aware draws where the parameter has a type: numbers for integers, dates for date-times, and so on.
        if (rng.Next(2) == 0)
        {
            if (SchemaValues.Type(schema) == "integer")
                (category, value) = ("param.number", Boundaries[rng.Next(Boundaries.Length)]);
            else if (schema.TryGetProperty("format", out var f) && f.GetString() == "date-time")
                (category, value) = ("param.date", Uri.EscapeDataString(Dates[rng.Next(Dates.Length)]));
            else if (name is "from" or "to" && draft.Operation.EndsWith("/v1/usage", StringComparison.Ordinal))
                (category, value) = ("param.day", Extreme(Days, rng));
            else if (name == "period")
                (category, value) = ("param.period", Extreme(Periods, rng));
        }
        draft.Query.RemoveAll(q => q.Key == name);
        draft.Query.Add(new(name, value));
        if (rng.Next(8) == 0)
            draft.Query.Add(new(name, value));
        draft.Category = $"{category} {name}";
        return draft;
    }

    /// <summary>Half the time one of the first three values, the ends of the calendar; else any.</summary>
    private static string Extreme(string[] values, Random rng) =>
        values[rng.Next(rng.Next(2) == 0 ? 3 : values.Length)];

    private static Draft MutateMedia(Draft draft, Random rng)
    {
        var body = draft.RawBody ?? Encoding.UTF8.GetBytes(draft.Text() is { Length: > 0 } t ? t : "{}");
        draft.RawBody = body;
        switch (rng.Next(8))
        {
            case 0:
                draft.ContentType = new[]
                {
                    "",
                    "text/plain",
                    "application/xml",
                    "application/x-www-form-urlencoded",
                    "multipart/form-data; boundary=x",
                    "application/json; charset=utf-16",
                    "APPLICATION/JSON",
                    "application/json-patch+json",
                    "application/jsonx",
                    "*/*",
                    "application/json;;;",
                }[rng.Next(11)];
                draft.Category = "media.content_type";
                break;
            case 1:
                draft.ContentType = null;
                draft.Category = "media.no_content_type";
                break;
            case 2:
                draft.RawBody = Gzip(body);
                draft.Headers.Add(new("Content-Encoding", "gzip"));
                draft.Category = "gzip.valid";
                break;
            case 3:
                var bad = Gzip(body);
                draft.RawBody =
                    rng.Next(2) == 0
                        ? bad[..(bad.Length / 2)]
                        : [.. bad[..10], .. new byte[] { 1, 2, 3, 4, 5 }, .. bad[15..]];
                draft.Headers.Add(new("Content-Encoding", "gzip"));
                draft.Category = "gzip.bad";
                break;
            case 4:
                draft.RawBody = [.. Enumerable.Range(0, 64).Select(_ => (byte)rng.Next(256))];
                draft.Headers.Add(new("Content-Encoding", "gzip"));
                draft.Category = "gzip.garbage";
                break;
            case 5:
                // Decodes to more than 5 MiB: the ingest limit applies to the decoded body too.
                draft.RawBody = Gzip(Encoding.UTF8.GetBytes("{\"data\":[" + new string(' ', 6 * 1024 * 1024) + "]}"));
                draft.Headers.Add(new("Content-Encoding", "gzip"));
                draft.Category = "gzip.bomb";
                break;
            case 6:
                draft.Headers.Add(
                    new(
                        "Content-Encoding",
                        new[] { "br", "deflate", "gzip, gzip", "identity", "x-unknown", "GZIP" }[rng.Next(6)]
                    )
                );
                draft.Category = "media.content_encoding";
                break;
            default:
                draft.RawBody = Gzip(Gzip(body));
                draft.Headers.Add(new("Content-Encoding", "gzip"));
                draft.Category = "gzip.twice";
                break;
        }
        return draft;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            gzip.Write(bytes);
        return output.ToArray();
    }

    private static readonly string[] OddPaths =
    [
        "/",
        "/v1",
        "/v1/",
        "/v2/events",
        "/v1/eventz",
        "/v1/events/",
        "//v1//events",
        "/V1/EVENTS",
        "/v1/series//nav",
        "/v1/series/alpha",
        "/v1/admin",
        "/.env",
        "/v1/events%00",
        "/v1/events;x=1",
        "/v1/%65vents",
        "/v1/series/alpha/nav.png",
        "/v1/deletions/",
        "/v1/approvals//approve",
        "/favicon.ico",
        "/v1/admin/keys/abcdefgh/extra",
        "/livez/",
        "/HEALTHZ",
    ];

    private static readonly string[] DotPaths =
    [
        "/v1/../x",
        "/v1/./events",
        "/v1/series/a/../../usage",
        "/v1/%2e%2e/usage",
        "/./v1/usage",
        "/v1/admin/keys/..",
        "/v1/admin/keys/.",
        "/../../etc/passwd",
        "/v1/series/%2e/nav",
        "/v1/series/../series/alpha/nav",
        "/v1/.%2e/v1/audit",
        "/v1/admin/redaction/..;/keys",
    ];

    private static Draft MutatePath(Draft draft, Random rng)
    {
        switch (rng.Next(3))
        {
            case 0:
                draft.Path = OddPaths[rng.Next(OddPaths.Length)];
                draft.Category = draft.Path.Contains("%00", StringComparison.Ordinal)
                    ? "http.invalid_target"
                    : "path.unknown";
                break;
            case 1:
                draft.Path = DotPaths[rng.Next(DotPaths.Length)];
                draft.Category = "path.dot_segments";
                break;
            default:
                var segments = draft.Path.Split('/');
                var index = rng.Next(1, segments.Length);
                segments[index] = new[]
                {
                    "",
                    "%00",
                    "%2F",
                    "%E2%9C%93",
                    "%FF",
                    new string('p', 2000),
                    "a b",
                    "%20",
                    "~",
                    "*",
                    ":",
                    "@",
                }[rng.Next(12)];
                draft.Path = string.Join('/', segments);
                // A NUL in the path or a raw space in the target is no valid HTTP request: the server refuses it before
                // the application (Kestrel: 400 without a body), as the spec says.
                draft.Category = segments[index] is "%00" or "a b" ? "http.invalid_target" : "path.segment";
                break;
        }
        return draft;
    }

    private Draft MutateMethod(Draft draft, Random rng)
    {
        var taken = _operations
            .Where(o => o.Path == _operations.Single(x => x.Id == draft.Operation).Path)
            .Select(o => o.Method)
            .ToHashSet();
        var others = new[]
        {
            "GET",
            "POST",
            "PUT",
            "DELETE",
            "PATCH",
            "OPTIONS",
            "HEAD",
            "TRACE",
            "FUZZ",
            "get",
            "PROPFIND",
        }
            .Where(m => !taken.Contains(m))
            .ToList();
        draft.Method = others[rng.Next(others.Count)];
        draft.Category = "method.not_allowed";
        return draft;
    }

    private static Draft MutateKey(Draft draft, Random rng)
    {
        switch (rng.Next(4))
        {
            case 0:
                draft.Key = KeyKind.None;
                draft.Category = "auth.none";
                break;
            case 1:
                draft.Key = KeyKind.Garbage;
                draft.Headers.Add(
                    new(
                        "Authorization",
                        new[]
                        {
                            "Bearer",
                            "Bearer ",
                            "Bearer pit_",
                            "Bearer pit_aaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
                            "Basic YWxhZGRpbjpvcGVuc2VzYW1l",
                            "Bearer pit_AAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
                            "Bearer " + new string('k', 8000),
                            "Bearer pit_aaaaaaaa_b%00",
                            "Token x",
                        }[rng.Next(9)]
                    )
                );
                draft.Category = "auth.garbage";
                break;
            default:
                draft.Key = rng.Next(2) == 0 ? KeyKind.Read : KeyKind.Ingest;
                draft.Category = "auth.scope";
                break;
        }
        return draft;
    }

    private static Draft MutateSize(Draft draft, Random rng)
    {
        switch (rng.Next(4))
        {
            case 0:
                // Under Kestrel's 8 KiB request line: a long query string our code must answer.
                draft.Query.Add(new("zz_long", new string('l', rng.Next(1000, 7000))));
                draft.Category = "size.long_query";
                break;
            case 1:
                var depth = new[] { 33, 100, 1000, 10_000 }[rng.Next(4)];
                var nested = new string('[', depth) + new string(']', depth);
                draft.RawBody = Encoding.UTF8.GetBytes(
                    draft.Json is JsonObject
                        ? "{\"data\":[{\"type\":\"exec.trade_fill\",\"payload\":"
                            + nested
                            + "}],\"deep\":"
                            + nested
                            + "}"
                        : nested
                );
                draft.ContentType ??= "application/json";
                draft.Category = "size.deep_nesting";
                break;
            case 2:
                draft.RawBody = Encoding.UTF8.GetBytes("{\"data\":[" + new string(' ', 5 * 1024 * 1024 + 10) + "]}");
                draft.ContentType ??= "application/json";
                draft.Category = "size.over_5_mib";
                break;
            default:
                draft.RawBody = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('p', 70 * 1024) + "\"}");
                draft.ContentType ??= "application/json";
                draft.Category = "size.over_64_kib";
                break;
        }
        return draft;
    }

    // --- JSON tree helpers ---------------------------------------------------------------------------------------

    private static IEnumerable<(string Path, JsonNode? Parent, object? Key)> Members(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, child) in o.ToList())
                {
                    yield return ($"{path}/{name}", o, name);
                    foreach (var inner in Members(child, $"{path}/{name}"))
                        yield return inner;
                }
                break;
            case JsonArray a:
                for (var i = 0; i < Math.Min(a.Count, 3); i++)
                {
                    yield return ($"{path}/{i}", a, i);
                    foreach (var inner in Members(a[i], $"{path}/{i}"))
                        yield return inner;
                }
                break;
        }
    }

    private static JsonNode? Get(JsonNode parent, object key) => key is string name ? parent[name] : parent[(int)key];

    internal static void Set(JsonNode parent, object key, JsonNode? value)
    {
        if (key is string name)
            parent[name] = value;
        else
            parent[(int)key] = value;
    }

    private static void Remove(JsonNode parent, object key)
    {
        if (key is string name)
            ((JsonObject)parent).Remove(name);
        else
            ((JsonArray)parent).RemoveAt((int)key);
    }

    /// <summary>A request being built: the parts a mutation may change.</summary>
    private sealed class Draft(string operation, string method, string path)
    {
        private readonly Dictionary<string, string> _raw = [];

        public string Operation { get; } = operation;
        public string Method { get; set; } = method;
        public string Path { get; set; } = path;
        public List<KeyValuePair<string, string>> Query { get; } = [];
        public List<KeyValuePair<string, string>> Headers { get; } = [];
        public JsonNode? Json { get; set; }
        public byte[]? RawBody { get; set; }
        public string? ContentType { get; set; } = "application/json";
        public KeyKind Key { get; set; } = KeyKind.Admin;
        public string Category { get; set; } = "valid";

        /// <summary>
        /// Puts JSON text as it is (numbers beyond double, escapes .NET would not write) at a member.
        /// </summary>
        public void Raw(JsonNode parent, object key, string json)
        {
            var token = $"__raw_{_raw.Count}__";
            _raw[token] = json;
            Set(parent, key, token);
        }

        public string Text()
        {
            var text = Json?.ToJsonString(
                new JsonSerializerOptions
                {
                    Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                }
            ) ?? "";
            foreach (var (token, json) in _raw)
                text = text.Replace("\"" + token + "\"", json, StringComparison.Ordinal);
            return text;
        }

        public FuzzCase Build(int index, string? category = null)
        {
            var body = RawBody ?? (Json is null ? null : Encoding.UTF8.GetBytes(Text()));
            var headers = new List<KeyValuePair<string, string>>(Headers);
            if (body is not null && !string.IsNullOrEmpty(ContentType))
                headers.Insert(0, new("Content-Type", ContentType));
            var target =
                Query.Count == 0 ? Path : Path + "?" + string.Join("&", Query.Select(q => q.Key + "=" + q.Value));
            return new FuzzCase(index, category ?? Category, Operation, Method, target, Key, headers, body);
        }
    }
}
