using Google.Protobuf;
using PitPlatform.Contracts.Keys;

namespace PitPlatform.Ingestion.Events;

/// <summary>
/// An event that passed validation, ready to be enveloped. <see cref="Source"/> is the event in the request's JSON
/// document (valid while the request is handled), kept to compare events that share an event_id.
/// </summary>
public sealed record IngestEvent(
    Guid EventId,
    DateTimeOffset Ts,
    string Topic,
    CanonicalKey Key,
    IMessage Payload,
    System.Text.Json.JsonElement Source
);
