using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Keys;

namespace PitPlatform.Ingestion.Events;

/// <summary>
/// Turns one element of a request's data array into an <see cref="IngestEvent"/>, or into the list of everything
/// wrong with it (docs/EVENT_SCHEMA.json).
/// </summary>
public sealed class IngestEventParser(TopicCatalog catalog, TimeProvider time)
{
    private static readonly HashSet<string> Members = ["type", "event_id", "ts", "tenant", "series", "cell", "payload"];

    private delegate IMessage? PayloadReader(JsonElement payload, string pointer, List<EventError> errors);

    private static readonly Dictionary<string, PayloadReader> Readers = new(StringComparer.Ordinal)
    {
        ["exec.trade_fill"] = TradeFillReader.Read,
    };

    /// <summary>Event types whose payload a cell must scope.</summary>
    private static readonly HashSet<string> CellScoped = ["exec.trade_fill"];

    public ParsedEvent Parse(JsonElement element, int index, string tenant)
    {
        var pointer = $"/data/{index}";
        var errors = new List<EventError>();
        if (element.ValueKind != JsonValueKind.Object)
            return ParsedEvent.Invalid(null, new EventError(EventError.Validation, "an event must be a JSON object", pointer));

        var fields = new JsonFields(element, pointer);
        fields.NoOtherMembers(Members);
        var type = fields.String("type", required: true, maxLength: 64);
        var eventIdText = fields.String("event_id", required: false, maxLength: 36);
        var tsText = fields.String("ts", required: false, maxLength: 40);
        var eventTenant = fields.String("tenant", required: false, maxLength: KeySegment.MaxLength);
        var series = fields.String("series", required: true, maxLength: KeySegment.MaxLength);
        var cell = fields.String("cell", required: type is not null && CellScoped.Contains(type), maxLength: KeySegment.MaxLength);
        errors.AddRange(fields.Errors);

        Guid? eventId = null;
        if (eventIdText is not null)
        {
            if (Guid.TryParseExact(eventIdText, "D", out var parsed)) eventId = parsed;
            else errors.Add(new EventError(EventError.Validation, "'event_id' must be a UUID", $"{pointer}/event_id"));
        }
        var ts = time.GetUtcNow();
        if (tsText is not null)
        {
            if (DateTimeOffset.TryParse(tsText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsedTs) && tsText.Contains('T'))
                ts = parsedTs.ToUniversalTime();
            else errors.Add(new EventError(EventError.Validation, "'ts' must be an RFC 3339 date-time", $"{pointer}/ts"));
        }
        if (eventTenant is not null && eventTenant != tenant)
            return ParsedEvent.OtherTenant(eventId, new EventError("ERR_TENANT_MISMATCH", "the event names a tenant other than the API key's", $"{pointer}/tenant"));
        CheckSegment("series", series, pointer, errors);
        if (cell is not null) CheckSegment("cell", cell, pointer, errors);

        TopicDefinition? topic = null;
        if (type is not null)
        {
            topic = catalog.FindByIngestType(type);
            if (topic is null || !Readers.ContainsKey(type))
                errors.Add(new EventError(EventError.UnknownEventType, $"'{type}' is not an accepted event type", $"{pointer}/type"));
        }

        IMessage? payload = null;
        if (!element.TryGetProperty("payload", out var payloadElement))
            errors.Add(new EventError(EventError.Validation, "'payload' is required", $"{pointer}/payload"));
        else if (payloadElement.ValueKind != JsonValueKind.Object)
            errors.Add(new EventError(EventError.Validation, "'payload' must be an object", $"{pointer}/payload"));
        else if (type is not null && Readers.TryGetValue(type, out var reader))
            payload = reader(payloadElement, $"{pointer}/payload", errors);

        if (errors.Count > 0 || topic is null || payload is null || series is null)
            return ParsedEvent.Invalid(eventId, errors.Count > 0 ? errors : [new EventError(EventError.Validation, "invalid event", pointer)]);
        var key = CanonicalKey.For(tenant, series, cell);
        return ParsedEvent.Valid(new IngestEvent(eventId ?? Guid.CreateVersion7(ts), ts, topic.Name, key, payload, element.GetRawText()));
    }

    private static void CheckSegment(string name, string? value, string pointer, List<EventError> errors)
    {
        if (value is not null && KeySegment.Check(name, value) is { } reason)
            errors.Add(new EventError(EventError.Validation, reason, $"{pointer}/{name}"));
    }
}

/// <summary>The outcome of parsing one event.</summary>
public sealed record ParsedEvent(IngestEvent? Event, Guid? EventId, IReadOnlyList<EventError> Errors, bool NamesOtherTenant)
{
    public static ParsedEvent Valid(IngestEvent e) => new(e, e.EventId, [], false);
    public static ParsedEvent Invalid(Guid? id, IReadOnlyList<EventError> errors) => new(null, id, errors, false);
    public static ParsedEvent Invalid(Guid? id, EventError error) => new(null, id, [error], false);
    public static ParsedEvent OtherTenant(Guid? id, EventError error) => new(null, id, [error], true);
}
