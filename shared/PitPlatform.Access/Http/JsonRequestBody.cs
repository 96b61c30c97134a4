using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PitPlatform.Access.Http;

/// <summary>The JSON body of an admin or governance request, or the API's answer to one that is not JSON.</summary>
public static class JsonRequestBody
{
    /// <returns>The parsed body (the caller disposes it), or null with a 400 ERR_MALFORMED_JSON failure.</returns>
    /// <exception cref="RequestBodyTooLargeException">The body is over <see cref="RequestBodyLimit.JsonBodyBytes"/> (answered 413).</exception>
    public static async Task<(JsonDocument? Body, IResult? Failure)> ParseAsync(HttpRequest request, JsonDocumentOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return (await JsonDocument.ParseAsync(RequestBodyLimit.Bounded(request), options, cancellationToken).ConfigureAwait(false), null);
        }
        catch (JsonException)
        {
            return (null, ApiErrors.BadRequest("ERR_MALFORMED_JSON", "the body is not valid JSON"));
        }
    }

    public static Task<(JsonDocument? Body, IResult? Failure)> ParseAsync(HttpRequest request, CancellationToken cancellationToken) =>
        ParseAsync(request, default, cancellationToken);
}
