namespace PitPlatform.Contracts.Keys;

/// <summary>
/// The one definition of what a key segment (tenant, series, cell, venue) may contain:
/// 1 to 64 characters, ASCII letters, digits, '.', '_' or '-', starting with a letter or digit.
/// '/' can never appear, so two different (tenant, series, cell) triples can never format to the same key.
/// </summary>
public static class KeySegment
{
    public const int MaxLength = 64;

    /// <summary>Returns null when <paramref name="value"/> is a valid segment, otherwise why it is not.</summary>
    public static string? Check(string name, string? value)
    {
        if (string.IsNullOrEmpty(value))
            return $"{name} is empty";
        if (value.Length > MaxLength)
            return $"{name} is longer than {MaxLength} characters";
        if (!char.IsAsciiLetterOrDigit(value[0]))
            return $"{name} must start with an ASCII letter or digit";
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                return $"{name} contains '{(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())}'; allowed are "
                    + "ASCII letters, digits, '.', '_' and '-'";
        }
        return null;
    }

    public static bool IsValid(string? value) => Check("segment", value) is null;
}
