using PitPlatform.Ingestion.Redaction;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

/// <summary>
/// Hash tokens are stable within a tenant, whatever the formatting, and never shared across tenants or kinds.
/// </summary>
public sealed class redaction_hash_tokens
{
    private static readonly TenantRedactionKeys Keys = new("throwaway test secret, 32+ bytes long");

    private static string Token(string text, string tenant) =>
        new PiiRedactor().Redact(text, RedactionPolicy.Uniform(RedactionMode.Hash, Keys.KeyFor(tenant))).Text;

    [Theory]
    [InlineData("john.doe@example.com")]
    [InlineData("123-45-6789")]
    [InlineData("+44 20 7946 0958")]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("2001:db8::1")]
    public void the_same_value_and_key_give_the_same_token_on_every_call_and_every_redactor(string value)
    {
        var first = Token(value, "acme");

        Assert.Matches(@"^\[[a-z]+:[0-9a-f]{12}\]$", first);
        Assert.All(Enumerable.Range(0, 5), _ => Assert.Equal(first, Token(value, "acme")));
        Assert.Equal(first, Token(value, new string([.. "acme"])));
    }

    [Theory]
    [InlineData("john.doe@example.com")]
    [InlineData("123-45-6789")]
    [InlineData("+44 20 7946 0958")]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("203.0.113.7")]
    public void different_tenants_get_different_tokens_for_the_same_value(string value) =>
        Assert.NotEqual(Token(value, "acme"), Token(value, "globex"));

    [Theory]
    [InlineData("John.Doe@Example.COM", "john.doe@example.com")]
    [InlineData("4111-1111-1111-1111", "4111111111111111")]
    [InlineData("SSN 123456789", "SSN 123-45-6789")]
    [InlineData("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    public void one_value_written_two_ways_gives_one_token(string written, string canonical)
    {
        var a = Token(written, "acme");
        var b = Token(canonical, "acme");
        Assert.Equal(a[a.IndexOf('[', StringComparison.Ordinal)..], b[b.IndexOf('[', StringComparison.Ordinal)..]);
    }

    [Fact]
    public void different_values_get_different_tokens() =>
        Assert.NotEqual(Token("a@example.com", "acme"), Token("b@example.com", "acme"));
}
