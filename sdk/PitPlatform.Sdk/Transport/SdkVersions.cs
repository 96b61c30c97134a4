namespace PitPlatform.Sdk.Transport;

/// <summary>
/// SemVer precedence of the core version and a pre-release tag, enough to compare against <c>min_supported_sdk</c>.
/// </summary>
internal static class SdkVersions
{
    /// <summary>
    /// Whether <paramref name="version"/> is below <paramref name="minimum"/>; an unreadable minimum is ignored.
    /// </summary>
    public static bool IsBelow(string version, string minimum)
    {
        if (!TryParse(minimum, out var min, out var minPre) || !TryParse(version, out var ours, out var ourPre))
            return false;
        var core = ours.CompareTo(min);
        if (core != 0)
            return core < 0;
        // Same core: a pre-release precedes the release; two pre-releases compare by their tags.
        if (ourPre is null)
            return false;
        return minPre is null || string.CompareOrdinal(ourPre, minPre) < 0;
    }

    private static bool TryParse(string text, out Version core, out string? preRelease)
    {
        var plus = text.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
            text = text[..plus];
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        preRelease = dash >= 0 ? text[(dash + 1)..] : null;
        return Version.TryParse(dash >= 0 ? text[..dash] : text, out core!);
    }
}
