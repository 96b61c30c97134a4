using System.Security.Cryptography;
using System.Text;

namespace PitPlatform.Ingestion.Redaction;

/// <summary>
/// Derives each tenant's redaction key from one server secret: HMAC-SHA256(secret, "pit-redaction:" + tenant). Tenants
/// therefore never share a key, and so never share a Hash token or a hashed user id for the same value. The secret is
/// a setting the host reads at start-up and passes in; this type never reads the environment.
/// </summary>
public sealed class TenantRedactionKeys
{
    /// <summary>The shortest secret accepted, in UTF-8 bytes: a full HMAC-SHA256 key.</summary>
    public const int MinimumSecretBytes = 32;

    private const string Purpose = "pit-redaction:";
    private readonly byte[] _secret;

    public TenantRedactionKeys(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        _secret = Encoding.UTF8.GetBytes(secret);
        if (_secret.Length < MinimumSecretBytes)
            throw new ArgumentException(
                $"the redaction secret must be at least {MinimumSecretBytes} bytes",
                nameof(secret)
            );
    }

    /// <summary>The tenant's 32-byte key. A new array on every call, so callers cannot alter another's copy.</summary>
    public byte[] KeyFor(string tenant)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        return HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(Purpose + tenant));
    }
}
