using System.Text.Json.Serialization;

namespace PitPlatform.Billing.Stripe;

/// <summary>Stripe's billing.meter_event object as returned by POST /v1/billing/meter_events.</summary>
public sealed record StripeMeterEvent(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("event_name")] string EventName,
    [property: JsonPropertyName("identifier")] string Identifier,
    [property: JsonPropertyName("livemode")] bool Livemode,
    [property: JsonPropertyName("payload")] IReadOnlyDictionary<string, string> Payload,
    [property: JsonPropertyName("timestamp")] long Timestamp);
