using System.Text;
using System.Text.Json;

namespace PitPlatform.Functions.Tests.Http;

/// <summary>
/// What a host answered, reduced to what both hosts must agree on: the status, the media type and, for JSON, the shape
/// (every property path with its value kind; array elements merged). Values differ between hosts by design: request
/// ids, created keys, timestamps.
/// </summary>
public sealed record HttpAnswer(int Status, string? MediaType, string Shape)
{
    public static HttpAnswer From(int status, string? contentType, byte[] body)
    {
        var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        return new HttpAnswer(status, mediaType, Describe(mediaType, body));
    }

    private static string Describe(string? mediaType, byte[] body)
    {
        if (body.Length == 0)
            return "(empty)";
        if (mediaType is not ("application/json" or "application/problem+json"))
            return "(body)";
        using var document = JsonDocument.Parse(body);
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        Walk(document.RootElement, "$", paths);
        return string.Join('\n', paths);
    }

    private static void Walk(JsonElement element, string path, SortedSet<string> paths)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                paths.Add($"{path}:object");
                foreach (var property in element.EnumerateObject())
                    Walk(property.Value, $"{path}.{property.Name}", paths);
                break;
            case JsonValueKind.Array:
                paths.Add($"{path}:array");
                foreach (var item in element.EnumerateArray())
                    Walk(item, $"{path}[]", paths);
                break;
            default:
                paths.Add($"{path}:{Kind(element.ValueKind)}");
                break;
        }
    }

    // true/false are one kind: a flag's value is data, not shape.
    private static string Kind(JsonValueKind kind) =>
        kind is JsonValueKind.True or JsonValueKind.False ? "boolean" : kind.ToString().ToLowerInvariant();

    public override string ToString() =>
        new StringBuilder().Append(Status).Append(' ').Append(MediaType).Append('\n').Append(Shape).ToString();
}
