using Microsoft.Extensions.Configuration;

namespace PitPlatform.Hosting.Telemetry;

/// <summary>
/// PIT_TELEMETRY: how much of OpenTelemetry a host runs (<see cref="PitTelemetryServiceCollectionExtensions"/>).
/// </summary>
public enum PitTelemetryMode
{
    /// <summary>
    /// The default: metrics always; traces and logs when an exporter is configured (OTLP, Azure Monitor).
    /// </summary>
    On,

    /// <summary>
    /// No OpenTelemetry SDK, no meter listener, no activity listener; the local host serves no /metrics.
    /// </summary>
    Off,

    /// <summary>
    /// As on, plus every span recorded (parent-based always-on, the SDK default) and exported, with the logs, into a
    /// discarding exporter.
    /// </summary>
    Traces,
}

public static class PitTelemetryModes
{
    public const string AllowedValues = "on, off, traces";

    /// <summary>The configured mode; fails fast, naming the setting and the allowed values, on anything else.</summary>
    public static PitTelemetryMode Read(IConfiguration configuration) =>
        configuration[SettingNames.Telemetry]?.Trim().ToLowerInvariant() switch
        {
            null or "" or "on" => PitTelemetryMode.On,
            "off" => PitTelemetryMode.Off,
            "traces" => PitTelemetryMode.Traces,
            _ => throw new MissingSettingsException([
                $"{SettingNames.Telemetry} must be one of {AllowedValues}, not "
                    + $"'{configuration[SettingNames.Telemetry]}'",
            ]),
        };
}
