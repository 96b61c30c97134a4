using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;

namespace PitPlatform.Ingestion.Redaction;

/// <summary>
/// Pseudonymises user identifiers. Fields named as user identifiers (<c>user_id</c>, <c>user_ref</c>) are always
/// hashed, whatever the tenant's redaction policy and even when it stores raw text: HMAC-SHA256 under the tenant key,
/// as 64 lower-case hex characters, so a tenant can still join on them and nobody can reverse them without the key.
/// </summary>
public static class UserIdentifierHasher
{
    private static readonly FrozenSet<string> FieldNames = FrozenSet.ToFrozenSet(
        ["user_id", "user_ref"],
        StringComparer.Ordinal
    );

    /// <summary>Whether a field holds a user identifier and must go through <see cref="HashUserId"/>.</summary>
    public static bool IsUserIdentifierField(string fieldName) => FieldNames.Contains(fieldName);

    public static string HashUserId(string value, byte[] tenantKey)
    {
        ArgumentNullException.ThrowIfNull(value);
        TenantKeyRule.Check(tenantKey, nameof(tenantKey));
        return Convert.ToHexStringLower(HMACSHA256.HashData(tenantKey, Encoding.UTF8.GetBytes(value)));
    }
}
