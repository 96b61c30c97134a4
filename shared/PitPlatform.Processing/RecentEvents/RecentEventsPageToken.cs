using System.Globalization;

namespace PitPlatform.Processing.RecentEvents;

/// <summary>
/// The cursor of GET /v1/events/recent: the (ts, event_id) of the last event returned, newest first. It needs no
/// signature: the tenant comes from the key, so a changed token can only move within the caller's own events.
/// </summary>
public static class RecentEventsPageToken
{
    private const string Prefix = "r1.";

    public static string Write(DateTimeOffset ts, Guid eventId) =>
        $"{Prefix}{ts.UtcTicks.ToString(CultureInfo.InvariantCulture)}.{eventId:N}";

    public static bool TryRead(string token, out DateTimeOffset ts, out Guid eventId)
    {
        ts = default;
        eventId = default;
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 64)
            return false;
        var parts = token[Prefix.Length..].Split('.');
        if (
            parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
        )
            return false;
        if (ticks < DateTimeOffset.UnixEpoch.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
            return false;
        if (!Guid.TryParseExact(parts[1], "N", out eventId))
            return false;
        ts = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }
}
