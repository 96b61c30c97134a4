using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PitPlatform.Billing.Tests.Support;

/// <summary>Keeps every line logged to it, formatted as a console logger would (message, then the exception).</summary>
internal sealed class ListLogger : ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(
        LogLevel logLevel,
        EventId eventId,
        TState state,
        Exception? exception,
        Func<TState, Exception?, string> formatter
    ) =>
        Lines.Enqueue(
            $"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}"
        );
}
