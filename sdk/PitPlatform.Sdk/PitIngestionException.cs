namespace PitPlatform.Sdk;

/// <summary>
/// A request to the ingestion API failed as a whole (no per-event outcome exists). <see cref="IsTransient"/> says
/// whether trying again later can help; the SDK already retried transient failures up to
/// <see cref="PitIngestionClientOptions.MaxRetries"/> times.
/// </summary>
public class PitIngestionException : Exception
{
    /// <summary>Makes the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="status">The HTTP status, or 0 when no response arrived.</param>
    /// <param name="errorCode">The API's <c>ERR_*</c> code, when it sent one.</param>
    /// <param name="isTransient">Whether a later retry can help.</param>
    /// <param name="innerException">The network error, if any.</param>
    public PitIngestionException(
        string message,
        int status,
        string? errorCode,
        bool isTransient,
        Exception? innerException = null
    )
        : base(message, innerException)
    {
        Status = status;
        ErrorCode = errorCode;
        IsTransient = isTransient;
    }

    /// <summary>The HTTP status, or 0 when no response arrived (network error, timeout).</summary>
    public int Status { get; }

    /// <summary>
    /// The API's error code (<c>ERR_UNAUTHENTICATED</c>, <c>ERR_RATE_LIMITED</c>, ...), when it sent one.
    /// </summary>
    public string? ErrorCode { get; }

    /// <summary>Whether trying again later can help (429, 5xx, network errors).</summary>
    public bool IsTransient { get; }
}
