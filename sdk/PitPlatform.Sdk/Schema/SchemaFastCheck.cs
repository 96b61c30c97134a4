using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace PitPlatform.Sdk.Schema;

/// <summary>
/// The sender's fast path: answers only "valid?" for an event's written JSON, reading it once with a
/// <see cref="Utf8JsonReader"/> (no document, no strings, no error objects). It may refuse a valid event (text with
/// escapes, members in an unusual order), never the reverse; an event it refuses goes through the full validator,
/// which finds the errors or none. The conformance corpus holds it to that.
/// </summary>
internal static class SchemaFastCheck
{
    private const int MaxStackChars = 512;

    /// <summary>A node's members as UTF-8 names with their nodes, and its required members as a bit mask.</summary>
    internal sealed class Shape(byte[][] names, SchemaNode[] nodes, ulong required, bool usable)
    {
        public byte[][] Names { get; } = names;
        public SchemaNode[] Nodes { get; } = nodes;
        public ulong Required { get; } = required;
        public bool Usable { get; } = usable;
    }

    public static bool IsValid(SchemaNode root, ReadOnlySpan<byte> json)
    {
        // Escaped text and bytes that are not UTF-8 are the full validator's (StorableText reports them alone).
        if (json.IndexOf("\\u"u8) >= 0 || !Utf8.IsValid(json))
            return false;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            return reader.Read() && Check(root, ref reader) && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Checks the value the reader is on and leaves the reader on its last token.</summary>
    private static bool Check(SchemaNode node, ref Utf8JsonReader reader)
    {
        node = node.Resolved;
        if (node.OneOf is not null)
            return CheckOneOf(node, ref reader);
        if (node.Types is not null && !OfAnyType(node.Types, ref reader))
            return false;
        if (node.Enum is not null && !InEnum(node.Enum, ref reader))
            return false;
        return reader.TokenType switch
        {
            JsonTokenType.String => CheckString(node, ref reader),
            JsonTokenType.Number => CheckNumber(node, ref reader),
            JsonTokenType.StartObject => CheckObject(node, ref reader),
            JsonTokenType.StartArray => false, // the event schema has no arrays; the full validator decides
            _ => true,
        };
    }

    /// <summary>
    /// Only a discriminated oneOf whose instance names its "type" first; anything else is "not sure".
    /// </summary>
    private static bool CheckOneOf(SchemaNode node, ref Utf8JsonReader reader)
    {
        if (node.ByType is not { } byType || node.Types is not null || node.Properties is not null)
            return false;
        if (reader.TokenType != JsonTokenType.StartObject)
            return false;
        var peek = reader;
        if (!peek.Read() || peek.TokenType != JsonTokenType.PropertyName || !peek.ValueTextEquals("type"u8))
            return false;
        if (!peek.Read() || peek.TokenType != JsonTokenType.String)
            return false;
        foreach (var (type, branch) in byType)
        {
            if (peek.ValueTextEquals(type))
                return Check(branch, ref reader);
        }
        return false;
    }

    private static bool CheckString(SchemaNode node, ref Utf8JsonReader reader)
    {
        if (node.MinLength is null && node.MaxLength is null && node.Pattern is null && !node.DateTime)
            return true;
        if (reader.ValueIsEscaped || reader.ValueSpan.Length > MaxStackChars)
            return false;
        Span<char> buffer = stackalloc char[MaxStackChars];
        var text = buffer[..reader.CopyString(buffer)];
        var length = SchemaNode.CodePoints(text);
        if (length < node.MinLength || length > node.MaxLength)
            return false;
        if (node.Pattern is not null && !node.Pattern.IsMatch(text))
            return false;
        return !node.DateTime || Rfc3339.IsDateTime(text);
    }

    private static bool CheckNumber(SchemaNode node, ref Utf8JsonReader reader)
    {
        if (node.Minimum is null && node.Maximum is null)
            return true;
        decimal value;
        if (reader.TryGetInt64(out var whole))
            value = whole;
        else if (!reader.TryGetDecimal(out value))
            return false;
        return !(value < node.Minimum) && !(value > node.Maximum);
    }

    private static bool CheckObject(SchemaNode node, ref Utf8JsonReader reader)
    {
        var shape = node.FastShape ??= ShapeOf(node);
        if (!shape.Usable)
            return false;
        var seen = 0UL;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = IndexOf(shape.Names, ref reader);
            if (index < 0)
            {
                if (node.AdditionalPropertiesForbidden)
                    return false;
                reader.Read();
                reader.Skip();
                continue;
            }
            var bit = 1UL << index;
            if ((seen & bit) != 0)
                return false; // a member twice: the full validator names it
            seen |= bit;
            if (!reader.Read() || !Check(shape.Nodes[index], ref reader))
                return false;
        }
        return reader.TokenType == JsonTokenType.EndObject && (seen & shape.Required) == shape.Required;
    }

    private static int IndexOf(byte[][] names, ref Utf8JsonReader reader)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (reader.ValueTextEquals(names[i]))
                return i;
        }
        return -1;
    }

    private static Shape ShapeOf(SchemaNode node)
    {
        var properties = node.Properties?.ToList() ?? [];
        var required = 0UL;
        var usable = properties.Count <= 64;
        foreach (var name in node.Required ?? [])
        {
            var index = properties.FindIndex(p => p.Key == name);
            if (index < 0)
                usable = false; // required but not described: left to the full validator
            else
                required |= 1UL << index;
        }
        return new Shape(
            [.. properties.Select(p => Encoding.UTF8.GetBytes(p.Key))],
            [.. properties.Select(p => p.Value)],
            required,
            usable && node.OneOf is null
        );
    }

    private static bool OfAnyType(string[] types, ref Utf8JsonReader reader)
    {
        foreach (var type in types)
        {
            var matches = type switch
            {
                "object" => reader.TokenType == JsonTokenType.StartObject,
                "array" => reader.TokenType == JsonTokenType.StartArray,
                "string" => reader.TokenType == JsonTokenType.String,
                "boolean" => reader.TokenType is JsonTokenType.True or JsonTokenType.False,
                "null" => reader.TokenType == JsonTokenType.Null,
                "number" => reader.TokenType == JsonTokenType.Number,
                "integer" => reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out _),
                _ => false,
            };
            if (matches)
                return true;
        }
        return false;
    }

    private static bool InEnum(string[] values, ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
            return false;
        foreach (var value in values)
        {
            if (reader.ValueTextEquals(value))
                return true;
        }
        return false;
    }
}
