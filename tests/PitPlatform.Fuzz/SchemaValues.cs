using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PitPlatform.Fuzz;

/// <summary>
/// Valid values for a JSON Schema (the keywords docs/EVENT_SCHEMA.json and docs/API_SPEC.yaml use: type, enum,
/// const, format, the patterns they name, lengths, bounds, required and optional members, items, oneOf/anyOf),
/// drawn from one <see cref="Random"/>, so a seed gives the same values every time.
/// </summary>
public sealed class SchemaValues(Func<JsonElement, JsonElement> resolve)
{
    public static readonly string[] Currencies = ["USD", "EUR", "GBP", "JPY", "CHF"];

    private const string SegmentFirst = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string SegmentRest = SegmentFirst + "._-";

    public JsonNode? Valid(JsonElement schema, Random rng, int depth = 0)
    {
        schema = resolve(schema);
        if (schema.TryGetProperty("const", out var constant))
            return JsonNode.Parse(constant.GetRawText());
        if (schema.TryGetProperty("enum", out var values))
        {
            var all = values.EnumerateArray().ToList();
            return JsonNode.Parse(all[rng.Next(all.Count)].GetRawText());
        }
        if (schema.TryGetProperty("oneOf", out var oneOf) || schema.TryGetProperty("anyOf", out oneOf))
        {
            var branches = oneOf.EnumerateArray().ToList();
            return Valid(branches[rng.Next(branches.Count)], rng, depth + 1);
        }
        return Type(schema) switch
        {
            "string" => JsonValue.Create(String(schema, rng)),
            "integer" => JsonValue.Create(Integer(schema, rng)),
            "number" => JsonValue.Create(Math.Round(rng.NextDouble() * 1000, 3)),
            "boolean" => JsonValue.Create(rng.Next(2) == 0),
            "array" => Array(schema, rng, depth),
            "object" => Object(schema, rng, depth),
            "null" => null,
            _ => JsonValue.Create("x"),
        };
    }

    public static string? Type(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type))
            return schema.TryGetProperty("properties", out _) ? "object" : null;
        return type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t != "null")
            : type.GetString();
    }

    private JsonObject Object(JsonElement schema, Random rng, int depth)
    {
        var result = new JsonObject();
        var required = schema.TryGetProperty("required", out var r)
            ? r.EnumerateArray().Select(x => x.GetString()!).ToHashSet()
            : [];
        if (!schema.TryGetProperty("properties", out var properties))
            return result;
        foreach (var property in properties.EnumerateObject())
        {
            if (!required.Contains(property.Name) && (depth > 4 || rng.Next(2) == 0))
                continue;
            result[property.Name] = Valid(property.Value, rng, depth + 1);
        }
        return result;
    }

    private JsonArray Array(JsonElement schema, Random rng, int depth)
    {
        var min = schema.TryGetProperty("minItems", out var mi) ? mi.GetInt32() : 0;
        var max = schema.TryGetProperty("maxItems", out var ma) ? Math.Min(ma.GetInt32(), min + 3) : min + 3;
        var array = new JsonArray();
        if (!schema.TryGetProperty("items", out var items))
            return array;
        var count = rng.Next(min, max + 1);
        var unique = schema.TryGetProperty("uniqueItems", out var u) && u.ValueKind == JsonValueKind.True;
        for (var i = 0; i < count; i++)
        {
            var item = Valid(items, rng, depth + 1);
            if (unique && array.Any(x => JsonNode.DeepEquals(x, item)))
                continue;
            array.Add(item);
        }
        return array;
    }

    private static long Integer(JsonElement schema, Random rng)
    {
        var min = schema.TryGetProperty("minimum", out var mi) ? (long)mi.GetDecimal() : 0;
        var max = schema.TryGetProperty("maximum", out var ma)
            ? (long)Math.Min(ma.GetDecimal(), long.MaxValue)
            : min + 1000;
        return rng.Next(10) switch
        {
            0 => min,
            1 => max,
            _ => min + (long)(rng.NextDouble() * Math.Min(max - (double)min, 1_000_000)),
        };
    }

    private static string String(JsonElement schema, Random rng)
    {
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        var pattern = schema.TryGetProperty("pattern", out var p) ? p.GetString() : null;
        var min = schema.TryGetProperty("minLength", out var mi) ? mi.GetInt32() : 0;
        var max = schema.TryGetProperty("maxLength", out var ma) ? ma.GetInt32() : 24;
        if (format == "date-time")
            return DateTime(rng);
        if (format == "date")
            return Day(rng);
        switch (pattern)
        {
            case "^[A-Za-z0-9][A-Za-z0-9._-]*$":
                return Segment(rng, Math.Max(min, 1), Math.Min(max, 24));
            case "^[A-Z]{3}$":
                return Currencies[rng.Next(Currencies.Length)];
            case "^[0-9]{4}-[0-9]{2}$":
                return $"{rng.Next(2020, 2031)}-{rng.Next(1, 13):00}";
            case "^[a-z0-9]{8}$":
                return Chars(rng, "abcdefghijklmnopqrstuvwxyz0123456789", 8);
            case "^[0-9a-f]{64}$":
                return Chars(rng, "0123456789abcdef", 64);
            case { } uuid when uuid.StartsWith("^[0-9a-fA-F]{8}-", StringComparison.Ordinal):
                return Guid.CreateVersion7().ToString();
            case null:
                break;
            default:
                if (schema.TryGetProperty("example", out var example) && example.ValueKind == JsonValueKind.String)
                    return example.GetString()!;
                break;
        }
        var least = Math.Max(min, 1);
        return Chars(
            rng,
            "abcdefghijklmnopqrstuvwxyz0123456789",
            rng.Next(least, Math.Max(Math.Min(max, 24), least) + 1)
        );
    }

    public static string Segment(Random rng, int min = 1, int max = 24) =>
        SegmentFirst[rng.Next(SegmentFirst.Length)] + Chars(rng, SegmentRest, rng.Next(min, max + 1) - 1);

    public static string Chars(Random rng, string alphabet, int length) =>
        new([.. Enumerable.Range(0, Math.Max(length, 0)).Select(_ => alphabet[rng.Next(alphabet.Length)])]);

    public static string DateTime(Random rng) =>
        new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)
            .AddSeconds(rng.NextInt64(0, 11L * 365 * 86400))
            .ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Day(Random rng) =>
        new DateOnly(2020, 1, 1).AddDays(rng.Next(0, 11 * 365)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
