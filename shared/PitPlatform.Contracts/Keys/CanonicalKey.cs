namespace PitPlatform.Contracts.Keys;

/// <summary>
/// A canonical Kafka record key: <c>t/{tenant}/s/{series}/c/{cell}</c> (cell-scoped), <c>t/{tenant}/s/{series}</c>
/// (series-scoped) or <c>venue/{venue}</c> (ops and health domains only). Ordering is guaranteed per key only.
/// </summary>
public sealed record CanonicalKey
{
    private CanonicalKey(string? tenant, string? series, string? cell, string? venue)
    {
        Tenant = tenant;
        Series = series;
        Cell = cell;
        Venue = venue;
    }

    public string? Tenant { get; }
    public string? Series { get; }

    /// <summary>Null for series-scoped and venue keys.</summary>
    public string? Cell { get; }

    /// <summary>Set only for venue keys.</summary>
    public string? Venue { get; }

    public bool IsVenue => Venue is not null;

    public static CanonicalKey ForCell(string tenant, string series, string cell) =>
        new(Require("tenant", tenant), Require("series", series), Require("cell", cell), null);

    public static CanonicalKey ForSeries(string tenant, string series) =>
        new(Require("tenant", tenant), Require("series", series), null, null);

    public static CanonicalKey ForVenue(string venue) => new(null, null, null, Require("venue", venue));

    /// <summary>A series-scoped key when <paramref name="cell"/> is null or empty, else a cell-scoped one.</summary>
    public static CanonicalKey For(string tenant, string series, string? cell) =>
        string.IsNullOrEmpty(cell) ? ForSeries(tenant, series) : ForCell(tenant, series, cell);

    public override string ToString() =>
        Venue is not null ? $"venue/{Venue}"
        : Cell is null ? $"t/{Tenant}/s/{Series}"
        : $"t/{Tenant}/s/{Series}/c/{Cell}";

    /// <summary>
    /// The cell- or series-scoped key of segments already checked with <see cref="KeySegment"/>; no copies are made
    /// (the envelope validator's hot path).
    /// </summary>
    internal static CanonicalKey FromCheckedSegments(string tenant, string series, string? cell) =>
        new(tenant, series, string.IsNullOrEmpty(cell) ? null : cell, null);

    /// <summary>
    /// Whether <paramref name="text"/> is exactly the key of these segments, compared without allocating.
    /// </summary>
    public static bool Equals(ReadOnlySpan<char> text, string tenant, string series, string? cell)
    {
        if (!Take(ref text, "t/") || !Take(ref text, tenant) || !Take(ref text, "/s/") || !Take(ref text, series))
            return false;
        if (string.IsNullOrEmpty(cell))
            return text.IsEmpty;
        return Take(ref text, "/c/") && Take(ref text, cell) && text.IsEmpty;

        static bool Take(ref ReadOnlySpan<char> rest, string part)
        {
            if (!rest.StartsWith(part, StringComparison.Ordinal))
                return false;
            rest = rest[part.Length..];
            return true;
        }
    }

    public static CanonicalKey Parse(string text) =>
        TryParse(text, out var key, out var reason) ? key : throw new FormatException(reason);

    /// <summary>Parses a key; on failure <paramref name="reason"/> says precisely what is wrong.</summary>
    public static bool TryParse(string? text, out CanonicalKey key, out string reason)
    {
        key = null!;
        if (string.IsNullOrEmpty(text))
        {
            reason = "key is empty";
            return false;
        }
        var parts = text.Split('/');
        string? error;
        switch (parts)
        {
            case ["venue", var venue]:
                error = KeySegment.Check("venue", venue);
                if (error is null)
                    key = new CanonicalKey(null, null, null, venue);
                break;
            case ["t", var tenant, "s", var series]:
                error = KeySegment.Check("tenant", tenant) ?? KeySegment.Check("series", series);
                if (error is null)
                    key = new CanonicalKey(tenant, series, null, null);
                break;
            case ["t", var tenant, "s", var series, "c", var cell]:
                error = KeySegment.Check("tenant", tenant)
                    ?? KeySegment.Check("series", series)
                    ?? KeySegment.Check("cell", cell);
                if (error is null)
                    key = new CanonicalKey(tenant, series, cell, null);
                break;
            default:
                error = "key must be t/{tenant}/s/{series}/c/{cell}, t/{tenant}/s/{series} or venue/{venue}";
                break;
        }
        reason = error ?? string.Empty;
        return error is null;
    }

    private static string Require(string name, string value) =>
        KeySegment.Check(name, value) is { } error ? throw new ArgumentException(error, name) : value;
}
