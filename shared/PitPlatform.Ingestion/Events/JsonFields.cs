using System.Text.Json;

namespace PitPlatform.Ingestion.Events;

/// <summary>Typed reads of JSON members that record a precise error (with its JSON pointer) instead of throwing.</summary>
internal sealed class JsonFields(JsonElement element, string pointer)
{
    public List<EventError> Errors { get; } = [];

    public string? String(string name, bool required, int maxLength = 256)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            if (required) Add(name, $"'{name}' is required");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Add(name, $"'{name}' must be a string");
            return null;
        }
        var text = value.GetString()!;
        if (text.Length > maxLength)
        {
            Add(name, $"'{name}' must be at most {maxLength} characters");
            return null;
        }
        return text;
    }

    public long? Integer(string name, bool required, long min = long.MinValue, long max = long.MaxValue)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            if (required) Add(name, $"'{name}' is required");
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            Add(name, $"'{name}' must be an integer (money is integer micros; floats are refused)");
            return null;
        }
        if (number < min || number > max)
        {
            Add(name, $"'{name}' must be between {min} and {max}");
            return null;
        }
        return number;
    }

    public void NoOtherMembers(IReadOnlySet<string> allowed)
    {
        foreach (var member in element.EnumerateObject())
        {
            if (!allowed.Contains(member.Name)) Add(member.Name, $"'{member.Name}' is not allowed");
        }
    }

    public void Add(string name, string message) =>
        Errors.Add(new EventError(EventError.Validation, message, $"{pointer}/{Escape(name)}"));

    /// <summary>RFC 6901 escaping of a member name inside a JSON pointer.</summary>
    public static string Escape(string name) => name.Replace("~", "~0").Replace("/", "~1");
}
