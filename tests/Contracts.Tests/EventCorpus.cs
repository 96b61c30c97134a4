using System.Text.Json.Nodes;

namespace PitPlatform.Contracts.Tests;

/// <summary>
/// A deterministic corpus of ingestion events: valid ones of every type, and each mutated in one way that may or may
/// not break the schema (removed, added, retyped or out-of-range members, bad patterns, unknown types).
/// </summary>
internal static class EventCorpus
{
    public static IEnumerable<string> Generate(int seed, int validCount)
    {
        var random = new Random(seed);
        for (var i = 0; i < validCount; i++)
        {
            var valid = i % 3 == 0 ? LlmCall(random) : TradeFill(random);
            yield return valid.ToJsonString();
            foreach (var mutant in Mutations(valid, random))
                yield return Unpaired(mutant.ToJsonString());
        }
        foreach (
            var odd in new[]
            {
                "42",
                "\"text\"",
                "[]",
                "null",
                "{}",
                "{\"type\":7}",
                "{\"type\":null,\"series\":\"a\"}",
            }
        )
            yield return odd;
    }

    private static JsonObject TradeFill(Random r)
    {
        var e = Common(r, "exec.trade_fill", withCell: true);
        var payload = new JsonObject
        {
            ["instrument"] = Pick(r, "ACME", "SAP.DE", "BRK/B", "x"),
            ["side"] = Pick(r, "buy", "sell"),
            ["quantity"] = r.NextInt64(1, 1_000_000_000_000),
            ["price_micros"] = r.NextInt64(0, long.MaxValue),
            ["currency"] = Pick(r, "USD", "EUR", "JPY"),
        };
        if (r.Next(2) == 0)
            payload["fee_micros"] = r.NextInt64(0, 10_000_000);
        if (r.Next(3) == 0)
            payload["fill_id"] = "F-" + r.Next();
        e["payload"] = payload;
        return e;
    }

    private static JsonObject LlmCall(Random r)
    {
        var e = Common(r, "runtime.llm_call", withCell: r.Next(2) == 0);
        var payload = new JsonObject
        {
            ["model"] = Pick(r, "gpt-4.1", "claude", "m"),
            ["input_tokens"] = r.Next(0, 100_000),
            ["output_tokens"] = r.Next(0, 100_000),
        };
        if (r.Next(2) == 0)
            payload["prompt"] = "Summarise cell " + r.Next(100);
        if (r.Next(2) == 0)
            payload["cost_micros"] = r.NextInt64(0, 1_000_000);
        if (r.Next(2) == 0)
            payload["currency"] = "USD";
        if (r.Next(2) == 0)
            payload["flagged"] = r.Next(2) == 0;
        if (r.Next(2) == 0)
            payload["latency_ms"] = r.Next(0, 60_000);
        e["payload"] = payload;
        return e;
    }

    private static JsonObject Common(Random r, string type, bool withCell)
    {
        var e = new JsonObject { ["type"] = type, ["series"] = Pick(r, "alpha", "fx.majors", "s_1", "A-9") };
        if (r.Next(2) == 0)
            e["event_id"] = Guid.NewGuid().ToString();
        if (r.Next(2) == 0)
            e["ts"] = Pick(r, "2026-11-22T09:30:00Z", "2026-11-22T09:30:00.123+01:00", "2026-01-01T00:00:00-05:00");
        if (r.Next(4) == 0)
            e["tenant"] = "demo";
        if (withCell)
            e["cell"] = Pick(r, "0001", "c7", "Z");
        return e;
    }

    private static IEnumerable<JsonObject> Mutations(JsonObject valid, Random r)
    {
        var payload = (JsonObject)valid["payload"]!;
        foreach (var name in valid.Select(p => p.Key).ToList())
            yield return With(valid, e => e.Remove(name));
        foreach (var name in payload.Select(p => p.Key).ToList())
            yield return With(valid, e => ((JsonObject)e["payload"]!).Remove(name));
        yield return With(valid, e => e["colour"] = "red");
        yield return With(valid, e => ((JsonObject)e["payload"]!)["extra"] = 1);
        yield return With(valid, e => e["type"] = Pick(r, "exec.unknown", "EXEC.TRADE_FILL", ""));
        yield return With(valid, e => e["series"] = Pick(r, "bad series", "-lead", "", new string('s', 65), "ü"));
        yield return With(valid, e => e["cell"] = Pick(r, "has/slash", 12, ""));
        yield return With(valid, e => e["event_id"] = Pick(r, "not-a-uuid", "0192f1c48a3b7c1d9e2f3a4b5c6d7e8f"));
        yield return With(valid, e =>
            e["ts"] = Pick(r, "yesterday", "2026-13-45T99:99:99Z", 1795339800, "2026-01-01t00:00:00z")
        );
        yield return With(valid, e => e["payload"] = Pick(r, "text", 3));
        foreach (var name in payload.Select(p => p.Key).ToList())
        {
            yield return With(valid, e => ((JsonObject)e["payload"]!)[name] = WrongValue(payload[name]!, r));
        }
        // Text the stores cannot hold in every string member, and in member names; instants outside 1970..9998.
        foreach (
            var name in payload
                .Where(p => p.Value!.GetValueKind() == System.Text.Json.JsonValueKind.String)
                .Select(p => p.Key)
                .ToList()
        )
            yield return With(valid, e =>
                ((JsonObject)e["payload"]!)[name] = Pick(
                    r,
                    "AC\0ME",
                    "\0",
                    LoneHigh,
                    $"x{LoneLow}",
                    $"{LoneLow}{LoneHigh}",
                    $"ok{Pair}",
                    "ok\U0001F600"
                )
            );
        foreach (var name in new[] { "series", "cell", "event_id", "type", "tenant" })
            yield return With(valid, e => e[name] = Pick(r, "al\0pha", LoneHigh, $"{LoneLow}x"));
        yield return With(valid, e => e[Pick(r, "\0", $"x{LoneHigh}", LoneLow)] = 1);
        yield return With(valid, e => ((JsonObject)e["payload"]!)[Pick(r, "n\0", LoneHigh)] = "v");
        yield return With(valid, e =>
            e["ts"] = Pick(
                r,
                "1969-12-31T23:59:59Z",
                "0001-01-01T00:00:00Z",
                "9999-01-01T00:00:00Z",
                "9999-12-31T23:59:59Z",
                "1970-01-01T00:00:00Z",
                "9998-12-31T23:59:59.9999999Z",
                "1970-01-01T00:00:00+01:00",
                $"2026-11-22T09:30:00Z{LoneHigh}"
            )
        );
    }

    // JsonNode writes an unpaired surrogate as U+FFFD, so these placeholders become the escapes in the final text.
    private const string LoneHigh = "@high@";
    private const string LoneLow = "@low@";
    private const string Pair = "@pair@";

    private static string Unpaired(string json) =>
        json.Replace(LoneHigh, "\\udbff", StringComparison.Ordinal)
            .Replace(LoneLow, "\\udc00", StringComparison.Ordinal)
            .Replace(Pair, "\\ud83d\\ude00", StringComparison.Ordinal);

    private static JsonNode? WrongValue(JsonNode value, Random r) =>
        value.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.Number => Pick<JsonNode?>(
                r,
                12.5,
                -1,
                "7",
                0,
                JsonNode.Parse("9223372036854775808"),
                JsonNode.Parse("1e3"),
                1_000_000_000_001
            ),
            System.Text.Json.JsonValueKind.String => Pick<JsonNode?>(
                r,
                5,
                "",
                new string('x', 300),
                "usd",
                "sideways",
                true
            ),
            _ => Pick<JsonNode?>(r, "true", 1, null),
        };

    private static JsonObject With(JsonObject valid, Action<JsonObject> change)
    {
        var copy = (JsonObject)valid.DeepClone();
        change(copy);
        return copy;
    }

    private static T Pick<T>(Random r, params T[] options) => options[r.Next(options.Length)];

    /// <summary>One of several values of different JSON types.</summary>
    private static JsonNode? Pick(Random r, params object?[] options) =>
        System.Text.Json.JsonSerializer.SerializeToNode(options[r.Next(options.Length)]);
}
