using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PitPlatform.Contracts.Schema;

namespace PitPlatform.Access.Http;

/// <summary>
/// The JSON body of an admin or governance request, or the API's answer to one that is not JSON. Every string of a
/// body it returns (values and member names) is text the stores can hold, so handlers may read any of them.
/// </summary>
public static class JsonRequestBody
{
    public const string InvalidString = "ERR_INVALID_STRING";

    /// <returns>
    /// The parsed body (the caller disposes it), or null with the 400 to send: ERR_MALFORMED_JSON for a body that is
    /// not JSON or not UTF-8, ERR_INVALID_STRING for a string holding U+0000 or an unpaired surrogate (details.pointer
    /// names the string or the member whose name it is).
    /// </returns>
    /// <exception cref="RequestBodyTooLargeException">The body is over <see cref="RequestBodyLimit.JsonBodyBytes"/>
    /// (answered 413).</exception>
    public static async Task<(JsonDocument? Body, IResult? Failure)> ParseAsync(
        HttpRequest request,
        JsonDocumentOptions options,
        CancellationToken cancellationToken
    )
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument
                .ParseAsync(RequestBodyLimit.Bounded(request), options, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return (null, ApiErrors.BadRequest("ERR_MALFORMED_JSON", "the body is not valid JSON"));
        }
        if (Refusal(document.RootElement) is { } refusal)
        {
            document.Dispose();
            return (null, refusal);
        }
        return (document, null);
    }

    public static Task<(JsonDocument? Body, IResult? Failure)> ParseAsync(
        HttpRequest request,
        CancellationToken cancellationToken
    ) => ParseAsync(request, default, cancellationToken);

    /// <summary>
    /// The 400 for the first string in <paramref name="element"/> (at <paramref name="pointer"/> in the body) whose
    /// text no store can hold, or null when there is none. JsonDocument checks neither UTF-8 nor escapes inside strings
    /// until they are read, and then it throws.
    /// </summary>
    /// <param name="skipMember">A top-level member whose value another check owns (the events of POST /v1/events,
    /// refused one by one).</param>
    public static IResult? Refusal(JsonElement element, string pointer = "", string? skipMember = null)
    {
        if (!StorableText.MayHoldFault(element))
            return null;
        var findings = new List<TextFinding>();
        if (!StorableText.Find(element, pointer, nulAllowed: false, findings, skipMember))
            return null;
        var first = findings[0];
        return first.Fault == TextFault.InvalidUtf8
            ? ApiErrors.BadRequest("ERR_MALFORMED_JSON", "the body is not valid UTF-8", new { pointer = first.Pointer })
            : ApiErrors.BadRequest(InvalidString, first.Message, new { pointer = first.Pointer });
    }
}
