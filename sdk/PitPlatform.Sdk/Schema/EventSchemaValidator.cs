using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using PitPlatform.Sdk.Results;

namespace PitPlatform.Sdk.Schema;

/// <summary>
/// docs/EVENT_SCHEMA.json (embedded in this assembly) compiled into a validator of the keywords it uses: type, enum,
/// required, properties, additionalProperties=false, pattern, minLength, maxLength, minimum, maximum,
/// format=date-time, oneOf and local $ref. Any other keyword fails compilation, so the schema cannot outgrow the
/// validator silently. Error codes match the server's: ERR_UNKNOWN_EVENT_TYPE for a type no definition has,
/// ERR_VALIDATION otherwise, each with a JSON pointer.
/// </summary>
internal sealed class EventSchemaValidator
{
    private static readonly Lazy<EventSchemaValidator> EmbeddedValidator = new(() =>
    {
        using var stream = typeof(EventSchemaValidator).Assembly.GetManifestResourceStream(
            "PitPlatform.Sdk.EVENT_SCHEMA.json"
        ) ?? throw new InvalidOperationException("the event schema resource is missing from PitPlatform.Sdk");
        using var document = JsonDocument.Parse(stream);
        return new EventSchemaValidator(document.RootElement.Clone());
    });

    private static readonly HashSet<string> Annotations =
    [
        "$schema",
        "$id",
        "$comment",
        "title",
        "description",
        "examples",
        "default",
        "definitions",
    ];

    private readonly JsonElement _document;
    private readonly Dictionary<string, SchemaNode> _byReference = new(StringComparer.Ordinal);
    private readonly SchemaNode _root;

    private EventSchemaValidator(JsonElement document)
    {
        _document = document;
        _root = Compile(document, "#");
        _root.Discriminate();
    }

    public static EventSchemaValidator Embedded => EmbeddedValidator.Value;

    /// <summary>
    /// Every way <paramref name="instance"/> breaks the schema, pointers under <paramref name="pointer"/>.
    /// </summary>
    /// <remarks>
    /// As on the server, an event with an unpaired surrogate escape or bytes that are not UTF-8 anywhere gets only
    /// those errors: System.Text.Json cannot read such text, and the schema refuses every such event anyway.
    /// </remarks>
    public List<PitEventError>? Validate(JsonElement instance, string pointer)
    {
        List<PitEventError>? errors = null;
        if (StorableText.Find(instance, pointer, ref errors))
            return errors;
        _root.Validate(instance, new SchemaPath(pointer), ref errors);
        return errors;
    }

    /// <summary>
    /// Whether the event's written JSON is certainly valid (<see cref="SchemaFastCheck"/>); false means "validate it
    /// with <see cref="Validate"/>", which finds its errors or none.
    /// </summary>
    public bool IsCertainlyValid(ReadOnlySpan<byte> json) => SchemaFastCheck.IsValid(_root, json);

    private SchemaNode Compile(JsonElement schema, string path)
    {
        if (schema.ValueKind != JsonValueKind.Object)
            throw Unsupported(path, "a schema that is not an object");
        var node = new SchemaNode();
        foreach (var keyword in schema.EnumerateObject())
        {
            var value = keyword.Value;
            switch (keyword.Name)
            {
                case "$ref":
                    node.Reference = Resolve(value.GetString()!);
                    break;
                case "type":
                    node.Types =
                        value.ValueKind == JsonValueKind.Array
                            ? value.EnumerateArray().Select(t => t.GetString()!).ToArray()
                            : [value.GetString()!];
                    break;
                case "enum":
                    node.Enum = value
                        .EnumerateArray()
                        .Select(v => v.GetString() ?? throw Unsupported(path, "enum values other than strings"))
                        .ToArray();
                    break;
                case "required":
                    node.Required = value.EnumerateArray().Select(v => v.GetString()!).ToArray();
                    break;
                case "properties":
                    node.Properties = value
                        .EnumerateObject()
                        .ToDictionary(
                            p => p.Name,
                            p => Compile(p.Value, $"{path}/properties/{p.Name}"),
                            StringComparer.Ordinal
                        );
                    break;
                case "additionalProperties":
                    if (value.ValueKind != JsonValueKind.False)
                        throw Unsupported(path, "additionalProperties other than false");
                    node.AdditionalPropertiesForbidden = true;
                    break;
                case "pattern":
                    node.PatternText = value.GetString()!;
                    // ECMA 262's final '$' matches only at the very end; .NET's also before a trailing newline.
                    var pattern =
                        node.PatternText.EndsWith('$') && !node.PatternText.EndsWith("\\$", StringComparison.Ordinal)
                            ? node.PatternText[..^1] + "\\z"
                            : node.PatternText;
                    node.Pattern = new Regex(
                        pattern,
                        RegexOptions.CultureInvariant | RegexOptions.Compiled,
                        TimeSpan.FromMilliseconds(100)
                    );
                    break;
                case "minLength":
                    node.MinLength = value.GetInt32();
                    break;
                case "maxLength":
                    node.MaxLength = value.GetInt32();
                    break;
                case "minimum":
                    node.Minimum = decimal.Parse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
                    break;
                case "maximum":
                    node.Maximum = decimal.Parse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
                    break;
                case "format":
                    if (value.GetString() != "date-time")
                        throw Unsupported(path, $"format {value.GetString()}");
                    node.DateTime = true;
                    break;
                case "oneOf":
                    node.OneOf = value.EnumerateArray().Select((b, i) => Compile(b, $"{path}/oneOf/{i}")).ToArray();
                    break;
                default:
                    if (!Annotations.Contains(keyword.Name))
                        throw Unsupported(path, $"the keyword '{keyword.Name}'");
                    break;
            }
        }
        return node;
    }

    private SchemaNode Resolve(string reference)
    {
        if (_byReference.TryGetValue(reference, out var known))
            return known;
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
            throw Unsupported(reference, "references outside the document");
        var target = _document;
        foreach (var token in reference[2..].Split('/'))
        {
            if (!target.TryGetProperty(token.Replace("~1", "/").Replace("~0", "~"), out target))
                throw new InvalidDataException($"event schema: {reference} does not resolve");
        }
        // The event schema has no recursive references, so compiling on first use terminates.
        var node = Compile(target, reference);
        _byReference[reference] = node;
        return node;
    }

    private static NotSupportedException Unsupported(string where, string what) =>
        new($"event schema: {where} uses {what}, which the SDK's validator does not implement");
}
