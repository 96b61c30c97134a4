using PitPlatform.Contracts.Keys;
using Xunit;

namespace PitPlatform.Contracts.Tests;

public sealed class canonical_keys
{
    [Theory]
    [InlineData("t/demo/s/alpha/c/0001", "demo", "alpha", "0001")]
    [InlineData("t/demo/s/alpha", "demo", "alpha", null)]
    [InlineData("t/acme-corp/s/fx.majors/c/eur_usd", "acme-corp", "fx.majors", "eur_usd")]
    public void parse_reads_the_segments(string text, string tenant, string series, string? cell)
    {
        var key = CanonicalKey.Parse(text);
        Assert.Equal((tenant, series, cell), (key.Tenant, key.Series, key.Cell));
        Assert.Equal(text, key.ToString());
    }

    [Fact]
    public void venue_keys_carry_no_tenant()
    {
        var key = CanonicalKey.Parse("venue/xnys");
        Assert.True(key.IsVenue);
        Assert.Null(key.Tenant);
        Assert.Equal("venue/xnys", key.ToString());
    }

    [Theory]
    [InlineData("", "key is empty")]
    [InlineData("t/demo", "key must be")]
    [InlineData("t/demo/s/alpha/c", "key must be")]
    [InlineData("t/demo/s/alpha/c/0001/x", "key must be")]
    [InlineData("x/demo/s/alpha", "key must be")]
    [InlineData("t//s/alpha", "tenant is empty")]
    [InlineData("t/de mo/s/alpha", "tenant contains ' '")]
    [InlineData("t/demo/s/-alpha", "series must start with an ASCII letter or digit")]
    [InlineData("t/demo/s/alpha/c/0é", "cell contains 'é'")]
    public void malformed_keys_are_rejected_with_a_precise_reason(string text, string reason)
    {
        Assert.False(CanonicalKey.TryParse(text, out _, out var why));
        Assert.Contains(reason, why);
    }

    [Fact]
    public void a_segment_longer_than_64_characters_is_rejected()
    {
        Assert.False(CanonicalKey.TryParse($"t/{new string('a', 65)}/s/alpha", out _, out var why));
        Assert.Contains("longer than 64", why);
    }

    [Fact]
    public void format_then_parse_round_trips_for_random_segments()
    {
        var random = new Random(20261122);
        for (var i = 0; i < 5000; i++)
        {
            var (tenant, series, cell) = (
                Segment(random),
                Segment(random),
                random.Next(4) == 0 ? null : Segment(random)
            );
            var key = CanonicalKey.For(tenant, series, cell);
            var parsed = CanonicalKey.Parse(key.ToString());
            Assert.Equal(key, parsed);
        }
    }

    [Fact]
    public void distinct_tenant_series_cell_triples_never_share_a_key()
    {
        var random = new Random(7);
        var seen = new Dictionary<string, (string, string, string?)>();
        for (var i = 0; i < 20000; i++)
        {
            // Short segments over a small alphabet make near-collisions (shared prefixes, moved separators) likely.
            var triple = (Segment(random, 3), Segment(random, 3), random.Next(3) == 0 ? null : Segment(random, 3));
            var text = CanonicalKey.For(triple.Item1, triple.Item2, triple.Item3).ToString();
            if (seen.TryGetValue(text, out var earlier))
                Assert.Equal(earlier, triple);
            seen[text] = triple;
        }
    }

    private static string Segment(Random random, int maxLength = 64)
    {
        const string first = "abcXYZ019";
        const string rest = "abcXYZ019._-";
        var length = random.Next(1, maxLength + 1);
        var chars = new char[length];
        chars[0] = first[random.Next(first.Length)];
        for (var i = 1; i < length; i++)
            chars[i] = rest[random.Next(rest.Length)];
        return new string(chars);
    }
}
