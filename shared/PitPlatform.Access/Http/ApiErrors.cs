using Microsoft.AspNetCore.Http;

namespace PitPlatform.Access.Http;

/// <summary>
/// Every error body of the API: <c>{"error":{"code":"ERR_...","message":"...","details":{...}}}</c>.
/// Codes are stable: clients may branch on them.
/// </summary>
public static class ApiErrors
{
    public static IResult Error(int status, string code, string message, object? details = null) =>
        Results.Json(new ErrorBody(new ErrorContent(code, message, details ?? new Dictionary<string, object>())), ApiJson.Options, statusCode: status);

    public static IResult Unauthenticated() =>
        Error(StatusCodes.Status401Unauthorized, "ERR_UNAUTHENTICATED", "a valid API key is required: Authorization: Bearer pit_<prefix>_<secret>");

    public static IResult MissingScope(string scope) =>
        Error(StatusCodes.Status403Forbidden, "ERR_FORBIDDEN", $"the API key lacks the '{scope}' scope", new { scope });

    public static IResult BadRequest(string code, string message, object? details = null) =>
        Error(StatusCodes.Status400BadRequest, code, message, details);

    public static IResult Unavailable(string message) =>
        Error(StatusCodes.Status503ServiceUnavailable, "ERR_UNAVAILABLE", message);

    public sealed record ErrorBody(ErrorContent Error);

    public sealed record ErrorContent(string Code, string Message, object Details);
}
