using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using PitPlatform.Hosting.Telemetry;

namespace PitPlatform.Observability.Tests.Support;

/// <summary>
/// The JSON lines a host started with PIT_LOG_FORMAT=json writes, captured as they are formatted: a logger provider
/// beside the console one, writing through the console's own "pit-json" formatter, so the test reads exactly what the
/// console would print (without taking over the test process's stdout).
/// </summary>
internal sealed class JsonLogLines
{
    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>For TestPipeline.StartAsync's logging hook.</summary>
    public void Capture(ILoggingBuilder logging) =>
        logging.Services.AddSingleton<ILoggerProvider>(services => new Provider(
            services.GetServices<ConsoleFormatter>().Single(f => f.Name == PitJsonConsoleFormatter.FormatterName),
            Lines
        ));

    public IEnumerable<JsonElement> Parsed() => Lines.Select(line => JsonDocument.Parse(line).RootElement);

    private sealed class Provider(ConsoleFormatter formatter, ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, formatter, lines);

        public void Dispose() { }
    }

    private sealed class Logger(string category, ConsoleFormatter formatter, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(
            LogLevel logLevel,
            EventId eventId,
            TState state,
            Exception? exception,
            Func<TState, Exception?, string> format
        )
        {
            using var writer = new StringWriter();
            formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, format), null, writer);
            foreach (var line in writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries))
                lines.Enqueue(line);
        }
    }
}
