namespace PitPlatform.Sdk.Tests.Support;

/// <summary>What the proxy does with one request.</summary>
internal enum Fault
{
    /// <summary>Forward it and relay the answer.</summary>
    None,

    /// <summary>Reset the connection without forwarding: nothing stored, the client sees a network error.</summary>
    DropBeforeForward,

    /// <summary>
    /// Forward it (the events are stored), then reset the connection: the client must resend, the server deduplicates.
    /// </summary>
    DropAfterForward,

    /// <summary>Answer 429 with Retry-After: 1 without forwarding.</summary>
    TooManyRequests,

    /// <summary>Answer 503 without forwarding.</summary>
    Unavailable,

    /// <summary>Wait half a second, then forward.</summary>
    Delay,

    /// <summary>Answer 400 (a permanent refusal) without forwarding.</summary>
    BadRequest,

    /// <summary>
    /// Answer 202 with a return=minimal body counting one event, without forwarding: counts that do not cover the
    /// batch, which a client must not take as delivery.
    /// </summary>
    MinimalShortCount,
}
