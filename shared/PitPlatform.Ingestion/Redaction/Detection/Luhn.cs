namespace PitPlatform.Ingestion.Redaction.Detection;

/// <summary>The Luhn (mod 10) check digit test that every payment card number passes.</summary>
internal static class Luhn
{
    /// <summary>Whether ASCII <paramref name="digits"/> pass the check.</summary>
    public static bool IsValid(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var doubled = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubled)
            {
                d *= 2;
                if (d > 9)
                    d -= 9;
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }
}
