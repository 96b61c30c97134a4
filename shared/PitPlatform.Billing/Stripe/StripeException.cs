using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace PitPlatform.Billing.Stripe;

/// <summary>
/// A request Stripe refused or could not be reached for, carrying Stripe's error object (type, code, param, message),
/// the Request-Id to quote to Stripe support, and whether retrying the same request can help.
/// <see cref="StripeClient"/> builds it from Stripe.net's exception (not kept as the inner exception, whose message we
/// do not control), and any Stripe secret or restricted key quoted in a message is masked, so the exception is safe to
/// log.
/// </summary>
public partial class StripeException : Exception
{
    /// <summary>
    /// The error type Stripe uses when the request never got an answer (connection refused, timeout).
    /// </summary>
    public const string ConnectionErrorType = "api_connection_error";

    public StripeException(
        int status,
        string type,
        string? code,
        string? param,
        string? declineCode,
        string? requestId,
        string stripeMessage,
        bool isTransient,
        Exception? innerException = null
    )
        : base(Describe(status, type, code, param, requestId, Redact(stripeMessage)), innerException)
    {
        Status = status;
        Type = type;
        Code = code;
        Param = param;
        DeclineCode = declineCode;
        RequestId = requestId;
        StripeMessage = Redact(stripeMessage);
        IsTransient = isTransient;
    }

    /// <summary>For mocking.</summary>
    protected StripeException()
    {
        Type = ConnectionErrorType;
        StripeMessage = "";
    }

    /// <summary>The HTTP status; 0 when no response arrived.</summary>
    public int Status { get; }

    /// <summary>
    /// Stripe's error type: api_error, card_error, idempotency_error, invalid_request_error, or api_connection_error.
    /// </summary>
    public string Type { get; }

    /// <summary>Stripe's error code when it gave one (card_declined, resource_missing, ...).</summary>
    public string? Code { get; }

    /// <summary>The request parameter the error is about, when it names one.</summary>
    public string? Param { get; }

    /// <summary>For card errors, the issuer's reason.</summary>
    public string? DeclineCode { get; }

    /// <summary>Stripe's Request-Id header: quote it to Stripe support.</summary>
    public string? RequestId { get; }

    /// <summary>
    /// Stripe's own message, meant for the developer, not the customer (any secret key in it masked).
    /// </summary>
    public string StripeMessage { get; }

    /// <summary>
    /// True when the same request may succeed later (429, 5xx, network errors, or Stripe-Should-Retry: true).
    /// </summary>
    public bool IsTransient { get; }

    /// <summary>
    /// Stripe refused a meter event because it already holds one with the same identifier: for a deterministic
    /// identifier that is proof the usage was delivered before, not an error.
    /// </summary>
    public bool IsDuplicateMeterEvent =>
        Status == (int)HttpStatusCode.BadRequest
        && Type == "invalid_request_error"
        && (
            Code == "duplicate_meter_event"
            || StripeMessage.Contains("already exists with identifier", StringComparison.OrdinalIgnoreCase)
        );

    /// <summary>
    /// Masks every Stripe secret or restricted key (sk_live_..., rk_test_...) in a text, keeping its mode.
    /// </summary>
    public static string Redact(string text) => SecretKeyPattern().Replace(text, "$1_$2_****");

    [GeneratedRegex(@"\b(sk|rk)_(live|test)_[A-Za-z0-9_]+", RegexOptions.CultureInvariant)]
    private static partial Regex SecretKeyPattern();

    private static string Describe(
        int status,
        string type,
        string? code,
        string? param,
        string? requestId,
        string message
    ) =>
        $"Stripe {(status == 0 ? "unreachable" : status.ToString(CultureInfo.InvariantCulture))}: {type}"
        + (code is null ? "" : $" ({code})")
        + (param is null ? "" : $" on '{param}'")
        + $": {message}"
        + (requestId is null ? "" : $" [request {requestId}]");
}
