using PitPlatform.Sdk.Events;

namespace PitPlatform.Sdk.Transport;

/// <summary>An event and its JSON, written once and resent unchanged on every retry.</summary>
internal sealed record EncodedEvent(PitEvent Event, byte[] Json);
