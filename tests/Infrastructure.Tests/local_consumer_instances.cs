using PitPlatform.LocalHost;
using Xunit;

namespace PitPlatform.Infrastructure.Tests;

/// <summary>How many consumers per group the local host runs (its stand-in for Functions scaling out).</summary>
public sealed class local_consumer_instances
{
    [Fact]
    public void every_group_runs_one_consumer_by_default()
    {
        var instances = new ConsumerInstances(null);
        Assert.Equal(1, instances.For("nav-processor"));
        Assert.Equal(1, instances.For("archiver"));
        Assert.Empty(instances.Named);
    }

    [Fact]
    public void the_setting_overrides_chosen_groups()
    {
        var instances = new ConsumerInstances(" nav-processor=2, archiver = 3 ");
        Assert.Equal(2, instances.For("nav-processor"));
        Assert.Equal(3, instances.For("archiver"));
        Assert.Equal(1, instances.For("usage-aggregator"));
        Assert.Equal(["archiver", "nav-processor"], instances.Named.Order());
    }

    [Theory]
    [InlineData("nav-processor")]
    [InlineData("nav-processor=0")]
    [InlineData("nav-processor=two")]
    [InlineData("=2")]
    public void a_malformed_setting_fails_naming_the_setting(string setting)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ConsumerInstances(setting));
        Assert.Contains(ConsumerInstances.Setting, error.Message);
    }
}
