using System.Globalization;
using System.Text.RegularExpressions;

namespace PitPlatform.Contracts.Schema;

/// <summary>
/// RFC 3339 date-time: full date, upper-case 'T', full time with an optional fraction, and a mandatory zone (upper-case
/// 'Z' or an offset). RFC 3339 also tolerates lower-case 't' and 'z'; the API does not, as common validators do not.
/// </summary>
public static partial class Rfc3339
{
    public static bool IsDateTime(string text) => TryParse(text, out _);

    public static bool TryParse(string text, out DateTimeOffset value)
    {
        value = default;
        return DateTime().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out value);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})\z")]
    private static partial Regex DateTime();
}
