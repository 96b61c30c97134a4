namespace PitPlatform.Ingestion.Redaction;

/// <summary>
/// The one rule for a tenant key handed to the hashing code: present and at least 32 bytes, which is what
/// <see cref="TenantRedactionKeys"/> derives. A shorter key is a wiring mistake, so it throws.
/// </summary>
internal static class TenantKeyRule
{
    public const int MinimumBytes = 32;

    public static void Check(byte[]? key, string parameterName)
    {
        if (key is null || key.Length < MinimumBytes)
            throw new ArgumentException(
                $"a tenant redaction key of at least {MinimumBytes} bytes is required (TenantRedactionKeys.KeyFor)",
                parameterName
            );
    }
}
