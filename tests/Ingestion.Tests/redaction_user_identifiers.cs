using System.Security.Cryptography;
using System.Text;
using PitPlatform.Ingestion.Redaction;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

/// <summary>User identifiers are HMAC-SHA256-hashed under per-tenant keys derived from one server secret.</summary>
public sealed class redaction_user_identifiers
{
    private const string Secret = "throwaway test secret, 32+ bytes long";
    private static readonly TenantRedactionKeys Keys = new(Secret);

    [Fact]
    public void a_user_id_becomes_the_lowercase_hex_of_the_full_hmac_under_the_tenant_key()
    {
        var key = Keys.KeyFor("acme");

        var hashed = UserIdentifierHasher.HashUserId("u-123", key);

        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(key, "u-123"u8)), hashed);
        Assert.Matches("^[0-9a-f]{64}$", hashed);
        Assert.Equal(hashed, UserIdentifierHasher.HashUserId("u-123", Keys.KeyFor("acme")));
        Assert.NotEqual(hashed, UserIdentifierHasher.HashUserId("u-124", key));
    }

    [Fact]
    public void the_same_user_id_hashes_differently_for_different_tenants() =>
        Assert.NotEqual(
            UserIdentifierHasher.HashUserId("u-123", Keys.KeyFor("acme")),
            UserIdentifierHasher.HashUserId("u-123", Keys.KeyFor("globex"))
        );

    [Theory]
    [InlineData("user_id", true)]
    [InlineData("user_ref", true)]
    [InlineData("userId", false)]
    [InlineData("User_Id", false)]
    [InlineData("username", false)]
    public void only_fields_named_as_user_identifiers_are_user_identifiers(string field, bool expected) =>
        Assert.Equal(expected, UserIdentifierHasher.IsUserIdentifierField(field));

    [Fact]
    public void a_tenant_key_is_the_hmac_of_the_purpose_and_tenant_under_the_secret()
    {
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), "pit-redaction:acme"u8);

        Assert.Equal(expected, Keys.KeyFor("acme"));
        Assert.Equal(expected, new TenantRedactionKeys(Secret).KeyFor("acme"));
        Assert.NotEqual(expected, Keys.KeyFor("globex"));
        Assert.NotEqual(expected, new TenantRedactionKeys(Secret + "!").KeyFor("acme"));
    }

    [Fact]
    public void short_secrets_short_keys_and_empty_tenants_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new TenantRedactionKeys("too short"));
        Assert.Throws<ArgumentException>(() => Keys.KeyFor(""));
        Assert.Throws<ArgumentException>(() => UserIdentifierHasher.HashUserId("u-123", new byte[16]));
    }
}
