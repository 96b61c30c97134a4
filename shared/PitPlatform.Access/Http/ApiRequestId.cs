using Microsoft.AspNetCore.Http;

namespace PitPlatform.Access.Http;

/// <summary>
/// The id of one request: the client's X-Request-Id (1 to 128 characters) or one the server makes, the same for every
/// reader of the request (the ingest answer's meta.request_id, the 500 answer's details.request_id, the log).
/// </summary>
public static class ApiRequestId
{
    public const string Header = "X-Request-Id";

    private const string ItemKey = "pit.request_id";

    public static string Of(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var known) && known is string id)
            return id;
        id = context.Request.Headers[Header].FirstOrDefault() is { Length: > 0 and <= 128 } given
            ? given
            : Guid.NewGuid().ToString("N");
        context.Items[ItemKey] = id;
        return id;
    }

    /// <summary>Whether the id can be echoed as a response header as it is (visible ASCII and spaces only).</summary>
    internal static bool IsEchoable(string id) => id.All(c => c is >= ' ' and <= '~');
}
