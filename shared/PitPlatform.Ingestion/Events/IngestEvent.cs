using Google.Protobuf;
using PitPlatform.Contracts.Keys;

namespace PitPlatform.Ingestion.Events;

/// <summary>An event that passed validation, ready to be enveloped.</summary>
public sealed record IngestEvent(Guid EventId, DateTimeOffset Ts, string Topic, CanonicalKey Key, IMessage Payload, string RawJson);
