using System.Security.Cryptography;
using System.Text;

namespace PitPlatform.Access.ApiKeys;

/// <summary>
/// Hashes key secrets with HMAC-SHA256 under a server-side pepper (setting PIT_API_KEY_PEPPER; Key Vault in Azure),
/// so a leaked api_keys table cannot be used to authenticate. Comparison is constant-time.
/// </summary>
public sealed class ApiKeyHasher
{
    private readonly byte[] _pepper;

    public ApiKeyHasher(string pepper)
    {
        if (string.IsNullOrEmpty(pepper) || pepper.Length < 16)
            throw new ArgumentException("PIT_API_KEY_PEPPER must be at least 16 characters", nameof(pepper));
        _pepper = Encoding.UTF8.GetBytes(pepper);
    }

    public byte[] Hash(ApiKeyText key) =>
        HMACSHA256.HashData(_pepper, Encoding.UTF8.GetBytes(key.Prefix + ":" + key.Secret));

    public bool Matches(ApiKeyText key, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(key), storedHash);
}
