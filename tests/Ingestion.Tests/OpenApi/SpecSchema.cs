using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using PitPlatform.Contracts.Schema;

namespace PitPlatform.Ingestion.Tests.OpenApi;

/// <summary>
/// A JSON Schema validator over System.Text.Json for exactly the keywords docs/API_SPEC.yaml uses: type, enum,
/// required, properties, additionalProperties (false), items, minItems, maxItems, pattern, minLength, maxLength,
/// minimum, maximum, format date-time, oneOf and local $ref (with siblings, as in JSON Schema 2020-12). Any other
/// keyword throws, so the spec cannot outgrow the validator silently. Integers are as the event schema's validator
/// reads them: no fraction or exponent, within 64 bits; a final '$' in a pattern matches only at the very end.
/// </summary>
internal sealed class SpecSchema(JsonElement document)
{
    private static readonly HashSet<string> Annotations = ["description", "title", "examples", "default", "deprecated"];

    private static readonly HashSet<string> Keywords =
    [
        "$ref",
        "type",
        "enum",
        "required",
        "properties",
        "additionalProperties",
        "items",
        "minItems",
        "maxItems",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "format",
        "oneOf",
    ];

    private readonly Dictionary<string, Regex> _patterns = [];

    /// <summary>
    /// Every way <paramref name="instance"/> breaks <paramref name="schema"/>, each as "pointer: problem".
    /// </summary>
    public IReadOnlyList<string> Validate(JsonElement schema, JsonElement instance)
    {
        var errors = new List<string>();
        Validate(schema, instance, "", errors, 0);
        return errors;
    }

    /// <summary>Throws when a schema, or one it contains or refers to, uses a keyword this validator lacks.</summary>
    public void RequireSupported(JsonElement schema, string where, HashSet<string>? seen = null)
    {
        seen ??= [];
        if (schema.ValueKind is JsonValueKind.True or JsonValueKind.False)
            return;
        if (schema.ValueKind != JsonValueKind.Object)
            throw new NotSupportedException($"{where}: a schema must be an object");
        foreach (var keyword in schema.EnumerateObject())
        {
            var at = $"{where}/{keyword.Name}";
            if (!Keywords.Contains(keyword.Name) && !Annotations.Contains(keyword.Name))
                throw new NotSupportedException(
                    $"{at}: the keyword {keyword.Name} is not implemented by the contract test's validator "
                        + "(OpenApi/SpecSchema.cs)"
                );
            switch (keyword.Name)
            {
                case "$ref" when seen.Add(keyword.Value.GetString()!):
                    RequireSupported(Resolve(keyword.Value.GetString()!), keyword.Value.GetString()!, seen);
                    break;
                case "properties":
                    foreach (var property in keyword.Value.EnumerateObject())
                        RequireSupported(property.Value, $"{at}/{property.Name}", seen);
                    break;
                case "items":
                    RequireSupported(keyword.Value, at, seen);
                    break;
                case "oneOf":
                    var i = 0;
                    foreach (var branch in keyword.Value.EnumerateArray())
                        RequireSupported(branch, $"{at}/{i++}", seen);
                    break;
                case "additionalProperties" when keyword.Value.ValueKind != JsonValueKind.False:
                    throw new NotSupportedException($"{at}: only additionalProperties: false is implemented");
                case "format" when keyword.Value.GetString() != "date-time":
                    throw new NotSupportedException($"{at}: only format date-time is implemented");
            }
        }
    }

    private void Validate(JsonElement schema, JsonElement instance, string pointer, List<string> errors, int depth)
    {
        if (depth > 64)
            throw new InvalidDataException($"schema recursion deeper than 64 at {pointer}");
        if (schema.ValueKind == JsonValueKind.False)
            errors.Add($"{Where(pointer)}: nothing is allowed here");
        if (schema.ValueKind != JsonValueKind.Object)
            return;
        foreach (var keyword in schema.EnumerateObject())
        {
            if (!Keywords.Contains(keyword.Name) && !Annotations.Contains(keyword.Name))
                throw new NotSupportedException(
                    $"{keyword.Name} (validating {Where(pointer)}) is not implemented by the contract test's "
                        + "validator (OpenApi/SpecSchema.cs)"
                );
        }
        if (schema.TryGetProperty("$ref", out var reference))
            Validate(Resolve(reference.GetString()!), instance, pointer, errors, depth + 1);
        if (schema.TryGetProperty("type", out var type))
        {
            var types =
                type.ValueKind == JsonValueKind.Array
                    ? type.EnumerateArray().Select(t => t.GetString()!).ToArray()
                    : [type.GetString()!];
            if (!types.Any(t => IsOfType(instance, t)))
            {
                errors.Add($"{Where(pointer)}: must be {string.Join(" or ", types)}, is {instance.ValueKind}");
                return;
            }
        }
        if (
            schema.TryGetProperty("enum", out var allowed)
            && !allowed.EnumerateArray().Any(v => JsonElement.DeepEquals(v, instance))
        )
            errors.Add($"{Where(pointer)}: {instance.GetRawText()} is not one of {allowed.GetRawText()}");
        switch (instance.ValueKind)
        {
            case JsonValueKind.String:
                ValidateString(schema, instance.GetString()!, pointer, errors);
                break;
            case JsonValueKind.Number:
                ValidateNumber(schema, instance, pointer, errors);
                break;
            case JsonValueKind.Object:
                ValidateObject(schema, instance, pointer, errors, depth);
                break;
            case JsonValueKind.Array:
                ValidateArray(schema, instance, pointer, errors, depth);
                break;
        }
        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            var branches = oneOf
                .EnumerateArray()
                .Select(branch =>
                {
                    var branchErrors = new List<string>();
                    Validate(branch, instance, pointer, branchErrors, depth + 1);
                    return branchErrors;
                })
                .ToList();
            var valid = branches.Count(b => b.Count == 0);
            if (valid == 0)
                errors.Add(
                    $"{Where(pointer)}: matches none of oneOf: "
                        + string.Join(" | ", branches.Select((b, i) => $"[{i}] {string.Join("; ", b)}"))
                );
            else if (valid > 1)
                errors.Add($"{Where(pointer)}: matches {valid} branches of oneOf, not exactly one");
        }
    }

    private void ValidateString(JsonElement schema, string text, string pointer, List<string> errors)
    {
        var length = text.EnumerateRunes().Count();
        if (schema.TryGetProperty("minLength", out var min) && length < min.GetInt32())
            errors.Add($"{Where(pointer)}: shorter than {min.GetInt32()}");
        if (schema.TryGetProperty("maxLength", out var max) && length > max.GetInt32())
            errors.Add($"{Where(pointer)}: longer than {max.GetInt32()}");
        if (schema.TryGetProperty("pattern", out var pattern) && !Pattern(pattern.GetString()!).IsMatch(text))
            errors.Add($"{Where(pointer)}: \"{text}\" does not match {pattern.GetString()}");
        if (
            schema.TryGetProperty("format", out var format)
            && format.GetString() == "date-time"
            && !Rfc3339.IsDateTime(text)
        )
            errors.Add($"{Where(pointer)}: \"{text}\" is not an RFC 3339 date-time");
    }

    private static void ValidateNumber(JsonElement schema, JsonElement number, string pointer, List<string> errors)
    {
        if (!number.TryGetDecimal(out var value))
        {
            errors.Add($"{Where(pointer)}: {number.GetRawText()} is out of range");
            return;
        }
        if (schema.TryGetProperty("minimum", out var min) && value < Number(min))
            errors.Add($"{Where(pointer)}: {value} is below {min.GetRawText()}");
        if (schema.TryGetProperty("maximum", out var max) && value > Number(max))
            errors.Add($"{Where(pointer)}: {value} is above {max.GetRawText()}");
    }

    private void ValidateObject(
        JsonElement schema,
        JsonElement instance,
        string pointer,
        List<string> errors,
        int depth
    )
    {
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(n => n.GetString()!))
            {
                if (!instance.TryGetProperty(name, out _))
                    errors.Add($"{Where(pointer)}: '{name}' is required");
            }
        }
        var properties = schema.TryGetProperty("properties", out var p) ? p : default;
        var closed =
            schema.TryGetProperty("additionalProperties", out var additional)
            && additional.ValueKind == JsonValueKind.False;
        foreach (var member in instance.EnumerateObject())
        {
            var at = $"{pointer}/{JsonPointer.Escape(member.Name)}";
            if (
                properties.ValueKind == JsonValueKind.Object
                && properties.TryGetProperty(member.Name, out var memberSchema)
            )
                Validate(memberSchema, member.Value, at, errors, depth + 1);
            else if (closed)
                errors.Add($"{Where(at)}: '{member.Name}' is not allowed");
        }
    }

    private void ValidateArray(JsonElement schema, JsonElement instance, string pointer, List<string> errors, int depth)
    {
        var count = instance.GetArrayLength();
        if (schema.TryGetProperty("minItems", out var min) && count < min.GetInt32())
            errors.Add($"{Where(pointer)}: fewer than {min.GetInt32()} items");
        if (schema.TryGetProperty("maxItems", out var max) && count > max.GetInt32())
            errors.Add($"{Where(pointer)}: more than {max.GetInt32()} items");
        if (!schema.TryGetProperty("items", out var items))
            return;
        var i = 0;
        foreach (var item in instance.EnumerateArray())
            Validate(items, item, $"{pointer}/{i++}", errors, depth + 1);
    }

    private JsonElement Resolve(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
            throw new NotSupportedException($"only local references are supported: {reference}");
        var node = document;
        foreach (var token in reference[2..].Split('/'))
        {
            if (!node.TryGetProperty(JsonPointer.Unescape(token), out node))
                throw new InvalidDataException($"{reference} does not resolve");
        }
        return node;
    }

    private Regex Pattern(string pattern)
    {
        if (_patterns.TryGetValue(pattern, out var compiled))
            return compiled;
        // ECMA 262: a final '$' matches only at the very end (in .NET it also matches before a trailing newline).
        var ecma =
            pattern.EndsWith('$') && !pattern.EndsWith("\\$", StringComparison.Ordinal)
                ? pattern[..^1] + "\\z"
                : pattern;
        return _patterns[pattern] = new Regex(ecma, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static bool IsOfType(JsonElement instance, string type) =>
        type switch
        {
            "object" => instance.ValueKind == JsonValueKind.Object,
            "array" => instance.ValueKind == JsonValueKind.Array,
            "string" => instance.ValueKind == JsonValueKind.String,
            "boolean" => instance.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "null" => instance.ValueKind == JsonValueKind.Null,
            "number" => instance.ValueKind == JsonValueKind.Number,
            "integer" => instance.ValueKind == JsonValueKind.Number && instance.TryGetInt64(out _),
            _ => throw new NotSupportedException($"type {type}"),
        };

    private static decimal Number(JsonElement value) =>
        decimal.Parse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Where(string pointer) => pointer.Length == 0 ? "(root)" : pointer;
}
