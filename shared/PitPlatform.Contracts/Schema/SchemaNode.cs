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

    /// <summary>
    /// Set by the compiler when every oneOf branch is an object that requires "type" with one enum value.
    /// </summary>
    public Dictionary<string, SchemaNode>? Discriminated;

    public void Validate(JsonElement instance, SchemaPath path, List<SchemaError> errors)
    {
        if (Reference is not null)
        {
            Reference().Validate(instance, path, errors);
            return;
        }
        if (Types is not null && !OfAnyType(instance))
        {
            errors.Add(new SchemaError(path.Pointer, "type", $"{path.Name} must be {Article(Types)}"));
            return;
        }
        if (Enum is not null && !InEnum(instance))
            errors.Add(new SchemaError(path.Pointer, "enum", $"{path.Name} must be one of {string.Join(", ", Enum)}"));
        if (
            instance.ValueKind == JsonValueKind.String
            && (MinLength is not null || MaxLength is not null || Pattern is not null || Format is not null)
        )
            ValidateString(instance.GetString()!, path, errors);
        if (instance.ValueKind == JsonValueKind.Number)
            ValidateNumber(instance, path, errors);
        if (instance.ValueKind == JsonValueKind.Object)
            ValidateObject(instance, path, errors);
        if (OneOf is not null)
            ValidateOneOf(instance, path, errors);
    }

    private bool OfAnyType(JsonElement instance)
    {
        foreach (var type in Types!)
        {
            if (IsOfType(instance, type))
                return true;
        }
        return false;
    }

    private bool InEnum(JsonElement instance)
    {
        if (instance.ValueKind != JsonValueKind.String)
            return false;
        foreach (var value in Enum!)
        {
            if (instance.ValueEquals(value))
                return true;
        }
        return false;
    }

    private void ValidateString(string text, SchemaPath path, List<SchemaError> errors)
    {
        if (MinLength is not null || MaxLength is not null)
        {
            var length = CodePoints(text);
            if (length < MinLength)
                errors.Add(
                    new SchemaError(path.Pointer, "minLength", $"{path.Name} must be at least {MinLength} characters")
                );
            if (length > MaxLength)
                errors.Add(
                    new SchemaError(path.Pointer, "maxLength", $"{path.Name} must be at most {MaxLength} characters")
                );
        }
        if (Pattern is not null && !Pattern.IsMatch(text))
            errors.Add(new SchemaError(path.Pointer, "pattern", $"{path.Name} must match {PatternText}"));
        if (Format == "date-time" && !Rfc3339.IsDateTime(text))
            errors.Add(
                new SchemaError(path.Pointer, "format", $"{path.Name} must be an RFC 3339 date-time with a time zone")
            );
    }

    private void ValidateNumber(JsonElement number, SchemaPath path, List<SchemaError> errors)
    {
        if (Minimum is null && Maximum is null)
            return;
        // Integers (the common case) compare exactly as 64-bit values; only other numbers go through decimal.
        decimal value;
        if (number.TryGetInt64(out var whole))
            value = whole;
        else if (!number.TryGetDecimal(out value))
        {
            errors.Add(new SchemaError(path.Pointer, "maximum", $"{path.Name} is out of range"));
            return;
        }
        if (value < Minimum)
            errors.Add(new SchemaError(path.Pointer, "minimum", $"{path.Name} must be at least {Minimum}"));
        if (value > Maximum)
            errors.Add(new SchemaError(path.Pointer, "maximum", $"{path.Name} must be at most {Maximum}"));
    }

    /// <summary>
    /// Known members are looked up by name (no allocation per member); members are enumerated only to find out
    /// which are not allowed, when the counts say some are. A repeated member is refused: which copy wins is
    /// parser-specific, and an ingestion API should not guess.
    /// </summary>
    private void ValidateObject(JsonElement instance, SchemaPath path, List<SchemaError> errors)
    {
        if (Required is not null)
        {
            foreach (var name in Required)
            {
                if (!instance.TryGetProperty(name, out _))
                    errors.Add(new SchemaError(path.Child(name), "required", $"'{name}' is required"));
            }
        }
        var known = 0;
        if (Properties is not null)
        {
            foreach (var (name, schema) in Properties)
            {
                if (!instance.TryGetProperty(name, out var value))
                    continue;
                known++;
                path.Push(name);
                schema.Validate(value, path, errors);
                path.Pop();
            }
        }
        if (!AdditionalPropertiesForbidden)
            return;
        var count = 0;
        foreach (var _ in instance.EnumerateObject())
            count++;
        if (count == known)
            return;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in instance.EnumerateObject())
        {
            if (Properties is null || !Properties.ContainsKey(member.Name))
                errors.Add(
                    new SchemaError(path.Child(member.Name), "additionalProperties", $"'{member.Name}' is not allowed")
                );
            else if (!seen.Add(member.Name))
                errors.Add(
                    new SchemaError(
                        path.Child(member.Name),
                        "additionalProperties",
                        $"'{member.Name}' appears more than once"
                    )
                );
        }
    }

    /// <summary>
    /// Exactly one branch must hold. When none does, the errors reported are those of the branch whose "type" enum
    /// names the instance's type (the event definitions discriminate on it), so callers learn what is wrong with the
    /// event rather than that it matched nothing.
    /// </summary>
    private void ValidateOneOf(JsonElement instance, SchemaPath path, List<SchemaError> errors)
    {
        // Discriminated branches: only the branch the instance's type names can hold, so it alone decides.
        if (
            Discriminated is not null
            && instance.ValueKind == JsonValueKind.Object
            && instance.TryGetProperty("type", out var discriminator)
            && discriminator.ValueKind == JsonValueKind.String
            && Discriminated.TryGetValue(discriminator.GetString()!, out var only)
        )
        {
            only.Validate(instance, path, errors);
            return;
        }
        var pointer = path.Pointer;
        var results = OneOf!
            .Select(branch =>
            {
                var branchErrors = new List<SchemaError>();
                branch.Validate(instance, path, branchErrors);
                return (Branch: branch.Resolved, Errors: branchErrors);
            })
            .ToList();
        var valid = results.Count(r => r.Errors.Count == 0);
        if (valid == 1)
            return;
        if (valid > 1)
        {
            errors.Add(new SchemaError(pointer, "oneOf", $"{path.Name} matches more than one definition"));
            return;
        }
        var type =
            instance.ValueKind == JsonValueKind.Object
            && instance.TryGetProperty("type", out var t)
            && t.ValueKind == JsonValueKind.String
                ? t.GetString()
                : null;
        var chosen = results.FirstOrDefault(r =>
            type is not null && r.Branch.Properties?.GetValueOrDefault("type")?.Resolved.Enum?.Contains(type) == true
        );
        if (chosen.Errors is not null)
            errors.AddRange(chosen.Errors);
        else if (instance.ValueKind != JsonValueKind.Object)
            errors.Add(new SchemaError(pointer, "type", $"{path.Name} must be an object"));
        else if (!instance.TryGetProperty("type", out _))
            errors.Add(new SchemaError($"{pointer}/type", "required", "'type' is required"));
        else
            errors.Add(
                new SchemaError(
                    $"{pointer}/type",
                    SchemaError.UnknownType,
                    $"'{type ?? instance.GetProperty("type").GetRawText()}' is not an accepted event type"
                )
            );
    }

    public SchemaNode Resolved => Reference is null ? this : Reference().Resolved;

    private static bool IsOfType(JsonElement instance, string type) =>
        type switch
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
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
        }
        return count;
    }

    private static string Article(string[] types) =>
        string.Join(" or ", types.Select(t => t is "object" or "integer" or "array" ? $"an {t}" : $"a {t}"));

    public static decimal Number(JsonElement value) =>
        decimal.Parse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
}
