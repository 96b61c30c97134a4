using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PitPlatform.Contracts.Telemetry;
using PitPlatform.Hosting;
using PitPlatform.Hosting.Telemetry;
using Xunit;

namespace PitPlatform.Observability.Tests.Settings;

/// <summary>
/// PIT_TELEMETRY: off registers no OpenTelemetry, traces exports every span, anything else stops the host.
/// </summary>
public sealed class telemetry_modes
{
    private static IConfiguration Settings(string? value) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [SettingNames.Telemetry] = value })
            .Build();

    [Fact]
    public void an_unknown_value_stops_the_host_naming_the_setting_and_the_allowed_values()
    {
        var failure = Assert.Throws<MissingSettingsException>(() =>
            new ServiceCollection().AddPitTelemetry(Settings("verbose"), "test")
        );
        Assert.Contains(SettingNames.Telemetry, failure.Message, StringComparison.Ordinal);
        Assert.Contains("on, off, traces", failure.Message, StringComparison.Ordinal);
        Assert.Contains("'verbose'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void off_registers_no_open_telemetry_at_all()
    {
        var services = new ServiceCollection();
        Assert.Null(services.AddPitTelemetry(Settings("off"), "test"));
        Assert.Empty(services);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("on")]
    [InlineData("ON")]
    public void on_is_the_default(string? value) =>
        Assert.Equal(PitTelemetryMode.On, PitTelemetryModes.Read(Settings(value)));

    [Fact]
    public void traces_records_and_exports_every_span_without_a_collector()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPitTelemetry(Settings("traces"), "test");
        var before = DiscardingExporter.SpansExported;
        using (var provider = services.BuildServiceProvider())
        {
            _ = provider.GetRequiredService<TracerProvider>();
            _ = provider.GetRequiredService<MeterProvider>();
            using var span = PitTelemetry.Source.StartActivity("telemetry-mode-test");
            Assert.NotNull(span);
            Assert.True(span.Recorded);
        }
        // Disposing the provider flushed the batch processor into the discarding exporter.
        Assert.True(DiscardingExporter.SpansExported > before);
    }
}
