namespace PitPlatform.Sdk.Results;

/// <summary>
/// Why an event was refused: a stable <c>ERR_*</c> code, a message, and a JSON pointer into the request body.
/// </summary>
/// <param name="Code">The error code, for example <c>ERR_VALIDATION</c> or <c>ERR_UNKNOWN_EVENT_TYPE</c>.</param>
/// <param name="Message">A readable explanation.</param>
/// <param name="Pointer">Where in the body, for example <c>/data/3/payload/quantity</c>; null when not about one
/// member.</param>
public sealed record PitEventError(string Code, string Message, string? Pointer)
{
    /// <summary>The event breaks EVENT_SCHEMA.json.</summary>
    public const string Validation = "ERR_VALIDATION";

    /// <summary>No event definition has the event's type.</summary>
    public const string UnknownEventType = "ERR_UNKNOWN_EVENT_TYPE";

    /// <summary>
    /// The server no longer supports this SDK version (<c>min_supported_sdk</c>); upgrade the package.
    /// </summary>
    public const string SdkUnsupported = "ERR_SDK_UNSUPPORTED";

    /// <summary>The client was disposed before the event could be delivered.</summary>
    public const string NotDelivered = "ERR_NOT_DELIVERED";
}
