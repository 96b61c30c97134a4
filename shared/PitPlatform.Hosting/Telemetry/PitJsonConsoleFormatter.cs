using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace PitPlatform.Hosting.Telemetry;

/// <summary>The service name every JSON line carries.</summary>
public sealed class PitJsonConsoleFormatterOptions : ConsoleFormatterOptions
{
    public string Service { get; set; } = "pit";
}

/// <summary>
/// One JSON object per line with flat, stable field names (docs/DEPLOYMENT.md, "Logs"): timestamp, level, service,
/// category, message, trace_id and span_id (the current span's), request_id, tenant and event_id when the message
/// template names them (RequestId, Tenant, EventId), the template's other values under their own names, and
/// the exception. Lines are formatted on the logging thread, where the span is current.
/// </summary>
public sealed class PitJsonConsoleFormatter : ConsoleFormatter
{
    public const string FormatterName = "pit-json";

    private readonly IOptionsMonitor<PitJsonConsoleFormatterOptions> _options;

    public PitJsonConsoleFormatter(IOptionsMonitor<PitJsonConsoleFormatterOptions> options)
        : base(FormatterName) => _options = options;

    /// <summary>Template names mapped to the fields every line has under the same name.</summary>
    private static readonly Dictionary<string, string> WellKnown = new(StringComparer.OrdinalIgnoreCase)
    {
        ["RequestId"] = "request_id",
        ["request_id"] = "request_id",
        ["Tenant"] = "tenant",
        ["tenant"] = "tenant",
        ["EventId"] = "event_id",
        ["event_id"] = "event_id",
    };

    public override void Write<TState>(
        in LogEntry<TState> logEntry,
        IExternalScopeProvider? scopeProvider,
        TextWriter textWriter
    )
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
            return;
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString(
                "timestamp",
                DateTimeOffset.UtcNow.ToString(
                    "yyyy-MM-dd'T'HH:mm:ss.fff'Z'",
                    System.Globalization.CultureInfo.InvariantCulture
                )
            );
            json.WriteString("level", Level(logEntry.LogLevel));
            json.WriteString("service", _options.CurrentValue.Service);
            json.WriteString("category", logEntry.Category);
            json.WriteString("message", message);
            if (Activity.Current is { } span)
            {
                json.WriteString("trace_id", span.TraceId.ToHexString());
                json.WriteString("span_id", span.SpanId.ToHexString());
            }
            var written = new HashSet<string>(StringComparer.Ordinal);
            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> values)
                WriteValues(json, values, written);
            // Scopes are not read: the platform opens none, and ASP.NET Core's RequestId scope is its connection-level
            // trace identifier, not the API's request_id (ApiRequestId), which the handlers' templates name.
            if (logEntry.Exception is { } exception)
            {
                json.WriteString("exception_type", exception.GetType().FullName);
                json.WriteString("exception", exception.ToString());
            }
            json.WriteEndObject();
        }
        textWriter.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write(Environment.NewLine);
    }

    private static void WriteValues(
        Utf8JsonWriter json,
        IReadOnlyList<KeyValuePair<string, object?>> values,
        HashSet<string> written
    )
    {
        foreach (var (key, value) in values)
        {
            if (key == "{OriginalFormat}")
                continue;
            var name = WellKnown.TryGetValue(key, out var field) ? field : key;
            if (
                name is "timestamp" or "level" or "service" or "category" or "message" or "trace_id" or "span_id"
                || !written.Add(name)
            )
                continue;
            switch (value)
            {
                case null:
                    json.WriteNull(name);
                    break;
                case bool b:
                    json.WriteBoolean(name, b);
                    break;
                case int or long or short or byte or uint or ulong or ushort or sbyte or double or float or decimal:
                    json.WritePropertyName(name);
                    json.WriteRawValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!);
                    break;
                default:
                    json.WriteString(name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }
    }

    private static string Level(LogLevel level) =>
        level switch
        {
            LogLevel.Trace => "trace",
            LogLevel.Debug => "debug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "error",
            LogLevel.Critical => "critical",
            _ => "none",
        };
}
