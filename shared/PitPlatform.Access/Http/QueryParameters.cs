using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace PitPlatform.Access.Http;

/// <summary>
/// Query-string values the read endpoints share, parsed the same way everywhere. Times, days and months lie in the
/// years 1970 to 9998 (UTC), like an event's ts (docs/EVENT_SCHEMA.json): no event time is earlier (an event id is a
/// UUIDv7 of it), and a day, a month or an hour can be added to any of them without leaving DateTimeOffset's range.
/// A refusal is the API's 400 ERR_VALIDATION naming the parameter (details.parameter).
/// </summary>
public static class QueryParameters
{
    /// <summary>The first instant a parameter may name.</summary>
    public static readonly DateTimeOffset Earliest = DateTimeOffset.UnixEpoch;

    /// <summary>The first instant a parameter may no longer name: every instant is before it.</summary>
    public static readonly DateTimeOffset End = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateOnly FirstDay = DateOnly.FromDateTime(Earliest.UtcDateTime);
    public static readonly DateOnly LastDay = DateOnly.FromDateTime(End.UtcDateTime).AddDays(-1);

    private const string Years = "in the years 1970 to 9998 (UTC)";

    /// <summary>
    /// An optional instant (ISO 8601; without an offset it is UTC). True with null when absent, false when malformed.
    /// It may lie outside the years parameters may name: <see cref="TimeRange"/> refuses those.
    /// </summary>
    public static bool TryTime(HttpRequest request, string name, out DateTimeOffset? value)
    {
        value = null;
        var text = request.Query[name].FirstOrDefault();
        if (text is null)
            return true;
        if (
            !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
        )
            return false;
        value = parsed.ToUniversalTime();
        return true;
    }

    /// <summary>The optional instants <c>from</c> and <c>to</c> (both inclusive); null, or the refusal.</summary>
    public static IResult? TimeRange(HttpRequest request, out DateTimeOffset? from, out DateTimeOffset? to)
    {
        to = null;
        if (!TryTime(request, "from", out from) || !TryTime(request, "to", out to))
            return Refusal("from and to must be RFC 3339 date-times", "from/to");
        if (from is { } f && (f < Earliest || f >= End))
            return Refusal($"from must be {Years}", "from");
        if (to is { } t && (t < Earliest || t >= End))
            return Refusal($"to must be {Years}", "to");
        if (from > to)
            return Refusal("from must not be after to", "from/to");
        return null;
    }

    /// <summary>
    /// An optional UTC day, <c>yyyy-MM-dd</c>; <paramref name="fallback"/> when absent. Null, or the refusal.
    /// </summary>
    public static IResult? Day(HttpRequest request, string name, DateOnly fallback, out DateOnly value)
    {
        value = fallback;
        var text = request.Query[name].FirstOrDefault();
        if (text is null)
            return null;
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value))
            return Refusal($"{name} must be a UTC day, yyyy-MM-dd", name);
        return value < FirstDay || value > LastDay ? Refusal($"{name} must be a day {Years}", name) : null;
    }

    /// <summary>
    /// An optional calendar month, <c>yyyy-MM</c>, as its first day; <paramref name="fallback"/> when absent. Null, or
    /// the refusal.
    /// </summary>
    public static IResult? Month(HttpRequest request, string name, DateOnly fallback, out DateOnly value)
    {
        value = fallback;
        var text = request.Query[name].FirstOrDefault();
        if (text is null)
            return null;
        if (
            !DateOnly.TryParseExact(
                text + "-01",
                "yyyy-MM-dd",
                CultureInfo.InvariantCulture,
                DateTimeStyles.None,
                out value
            )
        )
            return Refusal($"{name} must be a calendar month, yyyy-MM", name);
        return value < FirstDay || value > LastDay ? Refusal($"{name} must be a month {Years}", name) : null;
    }

    /// <summary>
    /// The optional page size <c>limit</c>, a whole number from 1 to <paramref name="max"/>;
    /// <paramref name="fallback"/> when absent. Null, or the refusal.
    /// </summary>
    public static IResult? Limit(HttpRequest request, int fallback, int max, out int limit)
    {
        limit = fallback;
        if (request.Query["limit"].FirstOrDefault() is not { } text)
            return null;
        return
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit >= 1 && limit <= max
            ? null
            : Refusal($"limit must be 1 to {max}", "limit");
    }

    private static IResult Refusal(string message, string parameter) =>
        ApiErrors.BadRequest("ERR_VALIDATION", message, new { parameter });
}
