using Microsoft.AspNetCore.Http;
using PitPlatform.Contracts;

namespace PitPlatform.Access.Http;

/// <summary>
/// Every error body of the API: <c>{"error":{"code":"ERR_...","message":"...","details":{...}}}</c>.
/// Codes are stable: clients may branch on them.
/// </summary>
public static class ApiErrors
{
    public static IResult Error(int status, string code, string message, object? details = null)
    {
        PitMetrics.Error(code);
        return Results.Json(
            new ErrorBody(new ErrorContent(code, message, details ?? new Dictionary<string, object>())),
            ApiJson.Options,
            statusCode: status
        );
    }

    public static IResult Unauthenticated() =>
        Error(
            StatusCodes.Status401Unauthorized,
            "ERR_UNAUTHENTICATED",
            "a valid API key is required: Authorization: Bearer pit_<prefix>_<secret>"
        );

    public static IResult MissingScope(string scope) =>
        Error(StatusCodes.Status403Forbidden, "ERR_FORBIDDEN", $"the API key lacks the '{scope}' scope", new { scope });

    /// <summary>
    /// The key is valid but its tenant is suspended: nothing is lost, and resuming the tenant restores access.
    /// </summary>
    public static IResult TenantSuspended(string tenant) =>
        Error(
            StatusCodes.Status403Forbidden,
            "ERR_TENANT_SUSPENDED",
            "the tenant is suspended; its data is kept and access returns when it is resumed",
            new { tenant }
        );

    public static IResult BadRequest(string code, string message, object? details = null) =>
        Error(StatusCodes.Status400BadRequest, code, message, details);

    public static IResult Unavailable(string message) =>
        Error(StatusCodes.Status503ServiceUnavailable, "ERR_UNAVAILABLE", message);

    /// <summary>No route of the API has the request's path (after dot segments were resolved).</summary>
    public static IResult RouteNotFound() =>
        Error(StatusCodes.Status404NotFound, "ERR_NOT_FOUND", "no operation of the API has this path");

    /// <summary>
    /// The path is a route of the API, but not for this method; <paramref name="allow"/> lists those it takes.
    /// </summary>
    public static IResult MethodNotAllowed(IReadOnlyList<string> allow) =>
        Error(
            StatusCodes.Status405MethodNotAllowed,
            "ERR_METHOD_NOT_ALLOWED",
            allow.Count == 0 ? "the path does not take this method" : $"the path takes {string.Join(", ", allow)} only",
            new { allow }
        );

    public static IResult PayloadTooLarge(long? limit) =>
        limit is { } bytes
            ? Error(
                StatusCodes.Status413PayloadTooLarge,
                "ERR_PAYLOAD_TOO_LARGE",
                $"the body is larger than {bytes} bytes",
                new { limit = bytes }
            )
            : Error(StatusCodes.Status413PayloadTooLarge, "ERR_PAYLOAD_TOO_LARGE", "the body is too large");

    /// <summary>The HTTP request itself is malformed (its framing, or a body that ended early).</summary>
    public static IResult MalformedRequest() =>
        Error(StatusCodes.Status400BadRequest, "ERR_BAD_REQUEST", "the HTTP request is malformed");

    public static IResult RequestTimeout() =>
        Error(StatusCodes.Status408RequestTimeout, "ERR_REQUEST_TIMEOUT", "the request body arrived too slowly");

    /// <summary>
    /// A bug on our side: the client cannot fix it; <paramref name="requestId"/> finds the one log entry.
    /// </summary>
    public static IResult Internal(string requestId) =>
        Error(
            StatusCodes.Status500InternalServerError,
            "ERR_INTERNAL",
            "the server failed to answer this request; report the request_id",
            new { request_id = requestId }
        );

    public sealed record ErrorBody(ErrorContent Error);

    public sealed record ErrorContent(string Code, string Message, object Details);
}
