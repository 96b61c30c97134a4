using System.Text.Json;

namespace PitPlatform.Sdk.Events;

/// <summary>
/// One event for <c>POST /v1/events</c>. Its <see cref="EventId"/> is a time-ordered UUIDv7 chosen when the event is
/// made and kept across every retry, so the server and the consumers deduplicate resends.
/// Events are immutable once handed to the client; build a new one for every occurrence.
/// </summary>
public abstract class PitEvent
{
    /// <summary>
    /// Makes an event of <paramref name="type"/> in <paramref name="series"/> (and <paramref name="cell"/>).
    /// </summary>
    /// <param name="type">The event type, such as <c>exec.trade_fill</c>.</param>
    /// <param name="series">The series (a key segment).</param>
    /// <param name="cell">The cell (a key segment), or null for series-scoped events.</param>
    protected PitEvent(string type, string series, string? cell)
    {
        Type = type;
        Series = series;
        Cell = cell;
    }

    /// <summary>The event type: it selects the definition in EVENT_SCHEMA.json and the Kafka topic.</summary>
    public string Type { get; }

    /// <summary>The dedupe key: a UUIDv7 by default, so ids sort by creation time.</summary>
    public Guid EventId { get; init; } = Uuid7.New();

    /// <summary>Event time; null lets the server use its receive time.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The tenant; null means the API key's tenant (another tenant is refused).</summary>
    public string? Tenant { get; init; }

    /// <summary>The series (key segment).</summary>
    public string Series { get; }

    /// <summary>The cell (key segment), or null.</summary>
    public string? Cell { get; }

    /// <summary>Writes the <c>payload</c> object's members (the writer is inside the object).</summary>
    /// <param name="writer">The writer, positioned inside the payload object.</param>
    protected abstract void WritePayloadMembers(Utf8JsonWriter writer);

    /// <summary>Writes the whole event object as the ingest API expects it.</summary>
    internal void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString(JsonNames.Type, Type);
        writer.WriteString(JsonNames.EventId, EventId);
        if (Timestamp is { } ts)
            writer.WriteString(
                JsonNames.Ts,
                ts.UtcDateTime.ToString(
                    "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'",
                    System.Globalization.CultureInfo.InvariantCulture
                )
            );
        if (Tenant is not null)
            writer.WriteString(JsonNames.Tenant, Tenant);
        writer.WriteString(JsonNames.Series, Series);
        if (Cell is not null)
            writer.WriteString(JsonNames.Cell, Cell);
        writer.WritePropertyName(JsonNames.Payload);
        WritePayload(writer);
        writer.WriteEndObject();
    }

    /// <summary>Writes the payload value; a generic event writes its own JSON.</summary>
    private protected virtual void WritePayload(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        WritePayloadMembers(writer);
        writer.WriteEndObject();
    }
}
