using PitPlatform.Sdk.Tests.Support;
using Xunit;

namespace PitPlatform.Sdk.Tests.Validation;

/// <summary>Event ids are RFC 9562 UUIDv7: version 7, variant 10, time-ordered by millisecond, and unique.</summary>
public sealed class event_ids
{
    [Fact]
    public void ids_are_version_7_with_the_rfc_variant_their_time_prefix_and_no_repeats()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var ids = Enumerable.Range(0, 100_000).Select(_ => Fills.Buy().EventId).ToList();
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.All(ids.Take(1000), id => Assert.Equal(7, id.Version));
        Assert.All(ids.Take(1000), id => Assert.InRange(id.Variant, 0x8, 0xB));
        var text = ids[0].ToString("N");
        var ms = Convert.ToInt64(text[..12], 16);
        Assert.InRange(ms, before, after);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        // Ordered by millisecond: the string form sorts by creation time across milliseconds.
        var prefixes = ids.Select(i => i.ToString("N")[..12]).ToList();
        Assert.Equal(prefixes.Order(StringComparer.Ordinal), prefixes);
    }
}
