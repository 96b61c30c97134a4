using PitPlatform.Sdk.Events;

namespace PitPlatform.Sdk.Results;

/// <summary>
/// An event given to <see cref="PitIngestionClient.Track"/> that will never be stored, with the reason.
/// </summary>
/// <param name="Event">The event.</param>
/// <param name="Error">Why it was refused (client-side validation, the server, or disposal before delivery).</param>
public sealed record PitRejectedEvent(PitEvent Event, PitEventError Error);
