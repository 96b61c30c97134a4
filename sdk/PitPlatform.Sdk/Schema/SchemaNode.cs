using System.Text.Json;
using System.Text.RegularExpressions;
using PitPlatform.Sdk.Results;

namespace PitPlatform.Sdk.Schema;

/// <summary>One compiled (sub)schema; the same rules and messages as the server's validator.</summary>
internal sealed class SchemaNode
{
    public string[]? Types;
    public string[]? Enum;
    public string[]? Required;
    public Dictionary<string, SchemaNode>? Properties;
    public bool AdditionalPropertiesForbidden;
    public Regex? Pattern;
    public string? PatternText;
    public int? MinLength;
    public int? MaxLength;
    public decimal? Minimum;
    public decimal? Maximum;
    public bool DateTime;
    public SchemaNode[]? OneOf;
    public SchemaNode? Reference;
    private Dictionary<string, SchemaNode>? _byType;

    public SchemaNode Resolved => Reference?.Resolved ?? this;

    /// <summary>The oneOf branch each event type selects, when <see cref="Discriminate"/> found one per type.</summary>
    public IReadOnlyDictionary<string, SchemaNode>? ByType => _byType;

    /// <summary>What <see cref="SchemaFastCheck"/> needs of this node, made once on first use.</summary>
    internal SchemaFastCheck.Shape? FastShape;

    /// <summary>
    /// When every oneOf branch requires "type" with one enum value, the instance's type picks the branch.
    /// </summary>
    public void Discriminate()
    {
        if (OneOf is null)
            return;
        var byType = new Dictionary<string, SchemaNode>(StringComparer.Ordinal);
        foreach (var branch in OneOf.Select(b => b.Resolved))
        {
            var type = branch.Properties?.GetValueOrDefault("type")?.Resolved;
            if (
                branch.Required?.Contains("type") != true
                || type?.Enum is not { Length: 1 } values
                || !byType.TryAdd(values[0], branch)
            )
                return;
        }
        _byType = byType;
    }

    public void Validate(JsonElement instance, SchemaPath path, ref List<PitEventError>? errors)
    {
        if (Reference is not null)
        {
            Reference.Validate(instance, path, ref errors);
            return;
        }
        if (Types is not null && !OfAnyType(instance))
        {
            Add(
                ref errors,
                path.Pointer,
                $"{path.Name} must be "
                    + string.Join(
                        " or ",
                        Types.Select(t => t is "object" or "integer" or "array" ? $"an {t}" : $"a {t}")
                    )
            );
            return;
        }
        if (Enum is not null && !InEnum(instance))
            Add(ref errors, path.Pointer, $"{path.Name} must be one of {string.Join(", ", Enum)}");
        if (instance.ValueKind == JsonValueKind.String)
            ValidateString(instance.GetString()!, path, ref errors);
        if (instance.ValueKind == JsonValueKind.Number)
            ValidateNumber(instance, path, ref errors);
        if (instance.ValueKind == JsonValueKind.Object)
            ValidateObject(instance, path, ref errors);
        if (OneOf is not null)
            ValidateOneOf(instance, path, ref errors);
    }

    private void ValidateString(string text, SchemaPath path, ref List<PitEventError>? errors)
    {
        if (MinLength is not null || MaxLength is not null)
        {
            var length = CodePoints(text);
            if (length < MinLength)
                Add(ref errors, path.Pointer, $"{path.Name} must be at least {MinLength} characters");
            if (length > MaxLength)
                Add(ref errors, path.Pointer, $"{path.Name} must be at most {MaxLength} characters");
        }
        if (Pattern is not null && !Pattern.IsMatch(text))
            Add(ref errors, path.Pointer, $"{path.Name} must match {PatternText}");
        if (DateTime && !Rfc3339.IsDateTime(text))
            Add(ref errors, path.Pointer, $"{path.Name} must be an RFC 3339 date-time with a time zone");
    }

    private void ValidateNumber(JsonElement number, SchemaPath path, ref List<PitEventError>? errors)
    {
        if (Minimum is null && Maximum is null)
            return;
        decimal value;
        if (number.TryGetInt64(out var whole))
            value = whole;
        else if (!number.TryGetDecimal(out value))
        {
            Add(ref errors, path.Pointer, $"{path.Name} is out of range");
            return;
        }
        if (value < Minimum)
            Add(ref errors, path.Pointer, $"{path.Name} must be at least {Minimum}");
        if (value > Maximum)
            Add(ref errors, path.Pointer, $"{path.Name} must be at most {Maximum}");
    }

    private void ValidateObject(JsonElement instance, SchemaPath path, ref List<PitEventError>? errors)
    {
        foreach (var name in Required ?? [])
        {
            if (!instance.TryGetProperty(name, out _))
                Add(ref errors, path.Child(name), $"'{name}' is required");
        }
        var known = 0;
        foreach (var (name, schema) in Properties ?? [])
        {
            if (!instance.TryGetProperty(name, out var value))
                continue;
            known++;
            path.Push(name);
            schema.Validate(value, path, ref errors);
            path.Pop();
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
                Add(ref errors, path.Child(member.Name), $"'{member.Name}' is not allowed");
            else if (!seen.Add(member.Name))
                Add(ref errors, path.Child(member.Name), $"'{member.Name}' appears more than once");
        }
    }

    private void ValidateOneOf(JsonElement instance, SchemaPath path, ref List<PitEventError>? errors)
    {
        var pointer = path.Pointer;
        var type =
            instance.ValueKind == JsonValueKind.Object
            && instance.TryGetProperty("type", out var t)
            && t.ValueKind == JsonValueKind.String
                ? t.GetString()
                : null;
        if (_byType is not null && type is not null && _byType.TryGetValue(type, out var only))
        {
            only.Validate(instance, path, ref errors);
            return;
        }
        var valid = 0;
        foreach (var branch in OneOf!)
        {
            List<PitEventError>? branchErrors = null;
            branch.Validate(instance, path, ref branchErrors);
            if (branchErrors is null)
                valid++;
        }
        if (valid == 1)
            return;
        if (valid > 1)
            Add(ref errors, pointer, $"{path.Name} matches more than one definition");
        else if (instance.ValueKind != JsonValueKind.Object)
            Add(ref errors, pointer, $"{path.Name} must be an object");
        else if (!instance.TryGetProperty("type", out var given))
            Add(ref errors, $"{pointer}/type", "'type' is required");
        else
            (errors ??= []).Add(
                new PitEventError(
                    PitEventError.UnknownEventType,
                    $"'{type ?? given.GetRawText()}' is not an accepted event type",
                    $"{pointer}/type"
                )
            );
    }

    // Loops rather than LINQ: validation runs for every event on the sender's thread, and lambdas would allocate.
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

    /// <summary>Length in code points, a surrogate pair counting as one (as on the server).</summary>
    internal static int CodePoints(ReadOnlySpan<char> text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++, count++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
        }
        return count;
    }

    private static void Add(ref List<PitEventError>? errors, string pointer, string message) =>
        (errors ??= []).Add(new PitEventError(PitEventError.Validation, message, pointer));

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
            _ => false,
        };
}
