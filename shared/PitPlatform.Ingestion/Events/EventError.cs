namespace PitPlatform.Ingestion.Events;

/// <summary>Why one event was refused; <see cref="Pointer"/> is a JSON pointer into the request body.</summary>
public sealed record EventError(string Code, string Message, string Pointer)
{
    public const string Validation = "ERR_VALIDATION";
    public const string UnknownEventType = "ERR_UNKNOWN_EVENT_TYPE";
    public const string IdempotencyConflict = "ERR_IDEMPOTENCY_CONFLICT";
    public const string Unavailable = "ERR_UNAVAILABLE";
    public const string TooLarge = "ERR_EVENT_TOO_LARGE";
}
