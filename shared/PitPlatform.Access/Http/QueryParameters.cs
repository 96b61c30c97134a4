using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace PitPlatform.Access.Http;

/// <summary>Query-string values the read endpoints share, parsed the same way everywhere.</summary>
public static class QueryParameters
{
    /// <summary>
    /// An optional instant (ISO 8601; without an offset it is UTC). True with null when absent, false when malformed.
    /// </summary>
    public static bool TryTime(HttpRequest request, string name, out DateTimeOffset? value)
    {
        value = null;
        var text = request.Query[name].FirstOrDefault();
        if (text is null) return true;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return false;
        value = parsed.ToUniversalTime();
        return true;
    }
}
