using System.Text.Json;

namespace PitPlatform.Sdk.Events;

/// <summary>
/// An event of any type with its payload as JSON, for types this SDK version has no typed class for. It is validated
/// against the embedded schema like the typed events.
/// </summary>
/// <param name="type">The event type.</param>
/// <param name="series">The series.</param>
/// <param name="cell">The cell, or null.</param>
/// <param name="payload">The payload object.</param>
public sealed class GenericEvent(string type, string series, string? cell, JsonElement payload)
    : PitEvent(type, series, cell)
{
    /// <summary>The payload as given.</summary>
    public JsonElement Payload { get; } = payload.Clone();

    /// <inheritdoc />
    protected override void WritePayloadMembers(Utf8JsonWriter writer)
    {
        foreach (var member in Payload.EnumerateObject())
            member.WriteTo(writer);
    }

    private protected override void WritePayload(Utf8JsonWriter writer)
    {
        if (Payload.ValueKind == JsonValueKind.Object)
            base.WritePayload(writer);
        else
            Payload.WriteTo(writer); // not an object: written as is, so validation reports it
    }
}
