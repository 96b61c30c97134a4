using System.Text.Json;
using System.Text.RegularExpressions;

namespace PitPlatform.Contracts.Schema;

/// <summary>
/// docs/EVENT_SCHEMA.json, compiled once into a validator over System.Text.Json. The file stays the single source
/// of truth (the ingest API and the SDK embed it); compiling avoids a general-purpose validator's cost per event.
/// Errors carry JSON pointers. A differential test keeps this validator in agreement with NJsonSchema.
/// </summary>
public sealed class EventSchema
{
    private static readonly Lazy<EventSchema> EmbeddedSchema = new(() =>
    {
        using var stream = typeof(EventSchema).Assembly.GetManifestResourceStream("PitPlatform.EVENT_SCHEMA.json")
            ?? throw new InvalidOperationException("the event schema resource is missing from the build");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
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

    private readonly SchemaNode _root;

    private EventSchema(SchemaNode root, string text)
    {
        _root = root;
        Text = text;
    }

    /// <summary>The schema compiled into this build.</summary>
    public static EventSchema Embedded => EmbeddedSchema.Value;

    /// <summary>The schema's JSON text.</summary>
    public string Text { get; }

    public static EventSchema Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement.Clone();
        var compiled = new Dictionary<string, SchemaNode>(StringComparer.Ordinal);
        var compiler = new Compiler(root, compiled);
        var node = compiler.Compile(root, "#");
        Compiler.ResolveAll(node);
        Compiler.Discriminate(node);
        return new EventSchema(node, json);
    }

    /// <summary>
    /// Every way <paramref name="instance"/> breaks the schema, with pointers under <paramref name="pointer"/>.
    /// </summary>
    /// <remarks>
    /// An event holding an unpaired surrogate escape or bytes that are not UTF-8 anywhere (a value or a member name)
    /// gets only those errors (keyword <see cref="SchemaError.Text"/>): System.Text.Json cannot read such text, so the
    /// schema is not walked. Every such event breaks the schema anyway (its patterns, enums, formats and
    /// additionalProperties refuse that text), so validity is the same as a validator that could read it.
    /// </remarks>
    public IReadOnlyList<SchemaError> Validate(JsonElement instance, string pointer = "")
    {
        if (TextErrors(instance, pointer) is { Count: > 0 } textErrors)
            return textErrors;
        var errors = new List<SchemaError>();
        _root.Validate(instance, new SchemaPath(pointer), errors);
        return errors;
    }

    /// <summary>
    /// The errors of the strings in <paramref name="instance"/> that System.Text.Json cannot read (an unpaired
    /// surrogate escape, bytes that are not UTF-8); empty when there are none, which is cheap to find out. Only when
    /// this is empty may anything read the instance's strings or look its members up.
    /// </summary>
    public static IReadOnlyList<SchemaError> TextErrors(JsonElement instance, string pointer = "")
    {
        if (!StorableText.MayHoldFault(instance))
            return [];
        var findings = new List<TextFinding>();
        return StorableText.Find(instance, pointer, nulAllowed: true, findings)
            ? findings.ConvertAll(f => new SchemaError(f.Pointer, SchemaError.Text, f.Message))
            : [];
    }

    public bool IsValid(JsonElement instance) => Validate(instance).Count == 0;

    private sealed class Compiler(JsonElement document, Dictionary<string, SchemaNode> byReference)
    {
        public SchemaNode Compile(JsonElement schema, string path)
        {
            if (schema.ValueKind != JsonValueKind.Object)
                throw Unsupported(path, "a schema that is not an object");
            var node = new SchemaNode();
            foreach (var keyword in schema.EnumerateObject())
            {
                var value = keyword.Value;
                var at = $"{path}/{keyword.Name}";
                switch (keyword.Name)
                {
                    case "$ref":
                        var reference = value.GetString()!;
                        SchemaNode? target = null;
                        // Bound after compilation (ResolveAll), so a schema may refer to itself; read-only afterwards.
                        node.Reference = () => target ??= Resolve(reference);
                        break;
                    case "type":
                        node.Types =
                            value.ValueKind == JsonValueKind.Array
                                ? value.EnumerateArray().Select(t => t.GetString()!).ToArray()
                                : [value.GetString()!];
                        break;
                    case "enum":
                        if (value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
                            throw Unsupported(at, "enum values other than strings");
                        node.Enum = value
                            .EnumerateArray()
                            .Select(v => v.GetString()!)
                            .ToHashSet(StringComparer.Ordinal);
                        break;
                    case "required":
                        node.Required = value.EnumerateArray().Select(v => v.GetString()!).ToArray();
                        break;
                    case "properties":
                        node.Properties = value
                            .EnumerateObject()
                            .ToDictionary(p => p.Name, p => Compile(p.Value, $"{at}/{p.Name}"), StringComparer.Ordinal);
                        break;
                    case "additionalProperties":
                        if (value.ValueKind != JsonValueKind.False)
                            throw Unsupported(at, "additionalProperties other than false");
                        node.AdditionalPropertiesForbidden = true;
                        break;
                    case "pattern":
                        node.PatternText = value.GetString()!;
                        node.Pattern = new Regex(
                            EcmaEndAnchor(node.PatternText),
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
                        node.Minimum = SchemaNode.Number(value);
                        break;
                    case "maximum":
                        node.Maximum = SchemaNode.Number(value);
                        break;
                    case "format":
                        if (value.GetString() != "date-time")
                            throw Unsupported(at, $"format {value.GetString()}");
                        node.Format = "date-time";
                        break;
                    case "oneOf":
                        node.OneOf = value
                            .EnumerateArray()
                            .Select((branch, i) => Compile(branch, $"{at}/{i}"))
                            .ToArray();
                        break;
                    default:
                        if (!Annotations.Contains(keyword.Name))
                            throw Unsupported(at, $"the keyword '{keyword.Name}'");
                        break;
                }
            }
            return node;
        }

        /// <summary>
        /// Resolves every reference now: a broken one fails start-up, and validation never mutates state.
        /// </summary>
        public static void ResolveAll(SchemaNode node, HashSet<SchemaNode>? seen = null)
        {
            seen ??= [];
            if (!seen.Add(node))
                return;
            if (node.Reference is not null)
                ResolveAll(node.Reference(), seen);
            foreach (var child in (node.Properties?.Values ?? Enumerable.Empty<SchemaNode>()).Concat(node.OneOf ?? []))
                ResolveAll(child, seen);
        }

        /// <summary>
        /// When every branch of the root oneOf is an object requiring "type" with a single enum value, validation can
        /// go straight to the branch the instance names: every other branch fails on "type" anyway.
        /// </summary>
        public static void Discriminate(SchemaNode node)
        {
            if (node.OneOf is null)
                return;
            var byType = new Dictionary<string, SchemaNode>(StringComparer.Ordinal);
            foreach (var branch in node.OneOf.Select(b => b.Resolved))
            {
                var type = branch.Properties?.GetValueOrDefault("type")?.Resolved;
                if (
                    branch.Required?.Contains("type") != true
                    || type?.Enum is not { Count: 1 } values
                    || !byType.TryAdd(values.Single(), branch)
                )
                    return;
            }
            node.Discriminated = byType;
        }

        private SchemaNode Resolve(string reference)
        {
            if (byReference.TryGetValue(reference, out var known))
                return known;
            if (!reference.StartsWith("#/", StringComparison.Ordinal))
                throw Unsupported(reference, "references outside this document");
            var target = document;
            foreach (var token in reference[2..].Split('/'))
            {
                if (!target.TryGetProperty(JsonPointer.Unescape(token), out target))
                    throw new InvalidDataException($"event schema: {reference} does not resolve");
            }
            var node = Compile(target, reference);
            byReference[reference] = node;
            return node;
        }

        private static NotSupportedException Unsupported(string where, string what) =>
            new(
                $"event schema: {where} uses {what}, which the compiled validator does not implement; extend "
                    + "Schema/EventSchema.cs"
            );

        /// <summary>
        /// In ECMA 262 (JSON Schema's regex dialect) a final '$' matches only at the very end; in .NET it also
        /// matches before a trailing newline, which would let "USD\n" pass as a currency.
        /// </summary>
        private static string EcmaEndAnchor(string pattern) =>
            pattern.EndsWith('$') && !pattern.EndsWith("\\$", StringComparison.Ordinal)
                ? pattern[..^1] + "\\z"
                : pattern;
    }
}
