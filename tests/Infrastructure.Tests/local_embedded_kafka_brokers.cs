using PitPlatform.Hosting;
using PitPlatform.LocalHost;
using Xunit;

namespace PitPlatform.Infrastructure.Tests;

/// <summary>
/// How many brokers the local host's embedded Kafka has: one unless PIT_EMBEDDED_KAFKA_BROKERS says otherwise.
/// </summary>
public sealed class local_embedded_kafka_brokers
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void the_embedded_cluster_is_one_broker_like_an_event_hubs_namespace(string? setting) =>
        Assert.Equal(1, LocalHostOptions.ParseEmbeddedKafkaBrokers(setting));

    [Fact]
    public void the_setting_chooses_more_brokers() => Assert.Equal(3, LocalHostOptions.ParseEmbeddedKafkaBrokers("3"));

    [Theory]
    [InlineData("0")]
    [InlineData("10")]
    [InlineData("-1")]
    [InlineData(" 2")]
    [InlineData("three")]
    public void a_malformed_setting_stops_the_host_naming_the_setting(string setting)
    {
        var error = Assert.Throws<MissingSettingsException>(() => LocalHostOptions.ParseEmbeddedKafkaBrokers(setting));
        Assert.Contains(LocalHostOptions.EmbeddedKafkaBrokersSetting, error.Message);
    }
}
