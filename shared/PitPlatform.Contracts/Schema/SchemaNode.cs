using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PitPlatform.Contracts.Schema;

/// <summary>
/// One compiled (sub)schema. Only the keywords docs/EVENT_SCHEMA.json uses are implemented; the compiler refuses any
/// other, so the schema cannot silently outgrow the validator.
/// </summary>
internal sealed class SchemaNode
{
    public string[]? Types;
    public HashSet<string>? Enum;
    public string[]? Required;
    public Dictionary<string, SchemaNode>? Properties;
    public bool AdditionalPropertiesForbidden;
    public Regex? Pattern;
    public string? PatternText;
    public int? MinLength;
    public int? MaxLength;
    public decimal? Minimum;
    public decimal? Maximum;
    public string? Format;
    public SchemaNode[]? OneOf;
    public Func<SchemaNode>? Reference;

    public void Validate(JsonElement instance, string pointer, List<SchemaError> errors)
    {
        if (Reference is not null)
        {
            Reference().Validate(instance, pointer, errors);
            return;
        }
        if (Types is not null && !Types.Any(t => IsOfType(instance, t)))
        {
            errors.Add(new SchemaError(pointer, "type", $"{Name(pointer)} must be {Article(Types)}"));
            return;
        }
        if (Enum is not null && (instance.ValueKind != JsonValueKind.String || !Enum.Contains(instance.GetString()!)))
            errors.Add(new SchemaError(pointer, "enum", $"{Name(pointer)} must be one of {string.Join(", ", Enum)}"));
        if (instance.ValueKind == JsonValueKind.String) ValidateString(instance.GetString()!, pointer, errors);
        if (instance.ValueKind == JsonValueKind.Number) ValidateNumber(instance, pointer, errors);
        if (instance.ValueKind == JsonValueKind.Object) ValidateObject(instance, pointer, errors);
        if (OneOf is not null) ValidateOneOf(instance, pointer, errors);
    }

    private void ValidateString(string text, string pointer, List<SchemaError> errors)
    {
        if (MinLength is not null || MaxLength is not null)
        {
            var length = CodePoints(text);
            if (length < MinLength) errors.Add(new SchemaError(pointer, "minLength", $"{Name(pointer)} must be at least {MinLength} characters"));
            if (length > MaxLength) errors.Add(new SchemaError(pointer, "maxLength", $"{Name(pointer)} must be at most {MaxLength} characters"));
        }
        if (Pattern is not null && !Pattern.IsMatch(text))
            errors.Add(new SchemaError(pointer, "pattern", $"{Name(pointer)} must match {PatternText}"));
        if (Format == "date-time" && !Rfc3339.IsDateTime(text))
            errors.Add(new SchemaError(pointer, "format", $"{Name(pointer)} must be an RFC 3339 date-time with a time zone"));
    }

    private void ValidateNumber(JsonElement number, string pointer, List<SchemaError> errors)
    {
        if (Minimum is null && Maximum is null) return;
        if (!number.TryGetDecimal(out var value))
        {
            errors.Add(new SchemaError(pointer, "maximum", $"{Name(pointer)} is out of range"));
            return;
        }
        if (value < Minimum) errors.Add(new SchemaError(pointer, "minimum", $"{Name(pointer)} must be at least {Minimum}"));
        if (value > Maximum) errors.Add(new SchemaError(pointer, "maximum", $"{Name(pointer)} must be at most {Maximum}"));
    }

    private void ValidateObject(JsonElement instance, string pointer, List<SchemaError> errors)
    {
        if (Required is not null)
        {
            foreach (var name in Required)
            {
                if (!instance.TryGetProperty(name, out _)) errors.Add(new SchemaError($"{pointer}/{JsonPointer.Escape(name)}", "required", $"'{name}' is required"));
            }
        }
        foreach (var member in instance.EnumerateObject())
        {
            var memberPointer = $"{pointer}/{JsonPointer.Escape(member.Name)}";
            if (Properties is not null && Properties.TryGetValue(member.Name, out var schema)) schema.Validate(member.Value, memberPointer, errors);
            else if (AdditionalPropertiesForbidden) errors.Add(new SchemaError(memberPointer, "additionalProperties", $"'{member.Name}' is not allowed"));
        }
    }

    /// <summary>
    /// Exactly one branch must hold. When none does, the errors reported are those of the branch whose "type" enum
    /// names the instance's type (the event definitions discriminate on it), so callers learn what is wrong with the
    /// event rather than that it matched nothing.
    /// </summary>
    private void ValidateOneOf(JsonElement instance, string pointer, List<SchemaError> errors)
    {
        var results = OneOf!.Select(branch =>
        {
            var branchErrors = new List<SchemaError>();
            branch.Validate(instance, pointer, branchErrors);
            return (Branch: branch.Resolved, Errors: branchErrors);
        }).ToList();
        var valid = results.Count(r => r.Errors.Count == 0);
        if (valid == 1) return;
        if (valid > 1)
        {
            errors.Add(new SchemaError(pointer, "oneOf", $"{Name(pointer)} matches more than one definition"));
            return;
        }
        var type = instance.ValueKind == JsonValueKind.Object && instance.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var chosen = results.FirstOrDefault(r => type is not null && r.Branch.Properties?.GetValueOrDefault("type")?.Resolved.Enum?.Contains(type) == true);
        if (chosen.Errors is not null) errors.AddRange(chosen.Errors);
        else if (instance.ValueKind != JsonValueKind.Object) errors.Add(new SchemaError(pointer, "type", $"{Name(pointer)} must be an object"));
        else if (!instance.TryGetProperty("type", out _)) errors.Add(new SchemaError($"{pointer}/type", "required", "'type' is required"));
        else errors.Add(new SchemaError($"{pointer}/type", SchemaError.UnknownType, $"'{type ?? instance.GetProperty("type").GetRawText()}' is not an accepted event type"));
    }

    public SchemaNode Resolved => Reference is null ? this : Reference().Resolved;

    private static bool IsOfType(JsonElement instance, string type) => type switch
    {
        "object" => instance.ValueKind == JsonValueKind.Object,
        "array" => instance.ValueKind == JsonValueKind.Array,
        "string" => instance.ValueKind == JsonValueKind.String,
        "boolean" => instance.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => instance.ValueKind == JsonValueKind.Null,
        "number" => instance.ValueKind == JsonValueKind.Number,
        // Integers are written without fraction or exponent and fit in 64 bits: money is never a float.
        "integer" => instance.ValueKind == JsonValueKind.Number && instance.TryGetInt64(out _),
        _ => false,
    };

    private static int CodePoints(string text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++, count++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
        }
        return count;
    }

    private static string Name(string pointer)
    {
        var slash = pointer.LastIndexOf('/');
        return slash < 0 || slash == pointer.Length - 1 ? "the value" : $"'{JsonPointer.Unescape(pointer[(slash + 1)..])}'";
    }

    private static string Article(string[] types) =>
        string.Join(" or ", types.Select(t => t is "object" or "integer" or "array" ? $"an {t}" : $"a {t}"));

    public static decimal Number(JsonElement value) => decimal.Parse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
}
