using Microsoft.Extensions.Logging;

namespace PitPlatform.Hosting.Telemetry;

/// <summary>
/// The console logging of both hosts: readable single lines by default; PIT_LOG_FORMAT=json gives one JSON object per
/// line (<see cref="PitJsonConsoleFormatter"/>), which the Functions app also writes whenever it runs in Azure.
/// </summary>
public static class PitLogging
{
    public const string JsonFormat = "json";

    public static bool WantsJson(string? format) =>
        string.Equals(format, JsonFormat, StringComparison.OrdinalIgnoreCase);

    public static ILoggingBuilder AddPitConsole(this ILoggingBuilder logging, bool json, string service)
    {
        if (json)
        {
            logging.AddConsole(options => options.FormatterName = PitJsonConsoleFormatter.FormatterName);
            logging.AddConsoleFormatter<PitJsonConsoleFormatter, PitJsonConsoleFormatterOptions>(options =>
                options.Service = service
            );
        }
        else
        {
            logging.AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
        return logging;
    }
}
