using System.Text.Json;
using Google.Protobuf;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Keys;
using PitPlatform.Contracts.Schema;
using PitPlatform.Ingestion.Redaction;

namespace PitPlatform.Ingestion.Events;

/// <summary>
/// Turns one element of a request's data array into an <see cref="IngestEvent"/>: validated against
/// docs/EVENT_SCHEMA.json (every error with its JSON pointer), then mapped onto the payload's protobuf message.
/// </summary>
public sealed class IngestEventParser(TopicCatalog catalog, EventSchema schema, PiiRedactor redactor, TimeProvider time)
{
    private delegate IMessage PayloadReader(JsonElement payload, PiiRedactor redactor, RedactionPolicy policy);

    private static readonly Dictionary<string, PayloadReader> Readers = new(StringComparer.Ordinal)
    {
        ["exec.trade_fill"] = (payload, _, _) => TradeFillReader.Read(payload),
        ["runtime.llm_call"] = LlmCallReader.Read,
    };

    /// <param name="policy">The tenant's redaction policy: free text is redacted before it is enveloped.</param>
    public ParsedEvent Parse(JsonElement element, int index, string tenant, RedactionPolicy policy)
    {
        var pointer = $"/data/{index}";
        // Text that is not text (an unpaired surrogate escape) makes System.Text.Json throw even from TryGetProperty:
        // such an event is refused by the schema before anything else reads it.
        if (EventSchema.TextErrors(element, pointer) is { Count: > 0 } textErrors)
            return ParsedEvent.Invalid(null, textErrors.Select(ToEventError).ToList());
        var isObject = element.ValueKind == JsonValueKind.Object;
        Guid? eventId =
            isObject
            && element.TryGetProperty("event_id", out var id)
            && id.ValueKind == JsonValueKind.String
            && Guid.TryParseExact(id.GetString(), "D", out var parsedId)
                ? parsedId
                : null;
        if (
            isObject
            && element.TryGetProperty("tenant", out var named)
            && named.ValueKind == JsonValueKind.String
            && named.GetString() != tenant
        )
            return ParsedEvent.OtherTenant(
                eventId,
                new EventError(
                    "ERR_TENANT_MISMATCH",
                    "the event names a tenant other than the API key's",
                    $"{pointer}/tenant"
                )
            );

        var errors = schema.Validate(element, pointer);
        if (errors.Count > 0)
            return ParsedEvent.Invalid(eventId, errors.Select(ToEventError).ToList());

        var type = element.GetProperty("type").GetString()!;
        var topic = catalog.FindByIngestType(type);
        if (topic is null || !Readers.TryGetValue(type, out var read))
            return ParsedEvent.Invalid(
                eventId,
                new EventError(
                    EventError.UnknownEventType,
                    $"'{type}' is not accepted by this version of the API yet",
                    $"{pointer}/type"
                )
            );

        var ts =
            element.TryGetProperty("ts", out var tsText) && Rfc3339.TryParse(tsText.GetString()!, out var parsedTs)
                ? parsedTs
                : time.GetUtcNow();
        var cell = element.TryGetProperty("cell", out var c) ? c.GetString() : null;
        var key = CanonicalKey.For(tenant, element.GetProperty("series").GetString()!, cell);
        var payload = read(element.GetProperty("payload"), redactor, policy);
        // The schema keeps ts in the years 1970 to 9998, but an offset can still put its instant just before the Unix
        // epoch ("1970-01-01T00:00:00+01:00"), which a UUIDv7 cannot hold: such an id takes the epoch's time instead.
        var idTime = ts < DateTimeOffset.UnixEpoch ? DateTimeOffset.UnixEpoch : ts;
        return ParsedEvent.Valid(
            new IngestEvent(eventId ?? Guid.CreateVersion7(idTime), ts, topic.Name, key, payload, element)
        );
    }

    private static EventError ToEventError(SchemaError error) =>
        new(
            error.Keyword == SchemaError.UnknownType ? EventError.UnknownEventType : EventError.Validation,
            error.Message,
            error.Pointer
        );
}

/// <summary>The outcome of parsing one event.</summary>
public sealed record ParsedEvent(
    IngestEvent? Event,
    Guid? EventId,
    IReadOnlyList<EventError> Errors,
    bool NamesOtherTenant
)
{
    public static ParsedEvent Valid(IngestEvent e) => new(e, e.EventId, [], false);

    public static ParsedEvent Invalid(Guid? id, IReadOnlyList<EventError> errors) => new(null, id, errors, false);

    public static ParsedEvent Invalid(Guid? id, EventError error) => new(null, id, [error], false);

    public static ParsedEvent OtherTenant(Guid? id, EventError error) => new(null, id, [error], true);
}
