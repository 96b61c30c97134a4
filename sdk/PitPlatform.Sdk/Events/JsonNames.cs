using System.Text.Json;

namespace PitPlatform.Sdk.Events;

/// <summary>Member names encoded once, so writing an event does not re-escape them.</summary>
internal static class JsonNames
{
    public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    public static readonly JsonEncodedText EventId = JsonEncodedText.Encode("event_id");
    public static readonly JsonEncodedText Ts = JsonEncodedText.Encode("ts");
    public static readonly JsonEncodedText Tenant = JsonEncodedText.Encode("tenant");
    public static readonly JsonEncodedText Series = JsonEncodedText.Encode("series");
    public static readonly JsonEncodedText Cell = JsonEncodedText.Encode("cell");
    public static readonly JsonEncodedText Payload = JsonEncodedText.Encode("payload");
}
