using System.Globalization;
using System.Text.RegularExpressions;

namespace PitPlatform.Sdk.Schema;

/// <summary>
/// RFC 3339 date-time as the API takes it: upper-case 'T', optional fraction, mandatory zone ('Z' or an offset).
/// </summary>
internal static partial class Rfc3339
{
    public static bool IsDateTime(ReadOnlySpan<char> text) =>
        Shape().IsMatch(text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out _);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})\z")]
    private static partial Regex Shape();
}
