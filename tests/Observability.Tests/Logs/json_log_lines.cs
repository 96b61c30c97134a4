using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PitPlatform.Hosting.Telemetry;
using PitPlatform.Observability.Tests.Support;
using Xunit;

namespace PitPlatform.Observability.Tests.Logs;

/// <summary>The JSON line format of PIT_LOG_FORMAT=json (PitJsonConsoleFormatter): flat, stable fields.</summary>
public sealed class json_log_lines
{
    [Fact]
    public void a_line_carries_time_level_service_trace_span_request_tenant_event_values_and_exception()
    {
        var lines = new JsonLogLines();
        using var services = new ServiceCollection()
            .AddLogging(logging =>
            {
                logging.AddPitConsole(json: true, "pit-test");
                lines.Capture(logging);
                logging.SetMinimumLevel(LogLevel.Debug);
            })
            .BuildServiceProvider();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("PitPlatform.Test");
        using var span = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();

        logger.LogWarning(
            new InvalidOperationException("boom"),
            "request {RequestId} tenant {Tenant} event {EventId}: {Count} \"quoted\" {Ratio}",
            "req-1",
            "acme",
            "evt-1",
            3,
            0.5
        );

        var line = Assert.Single(lines.Parsed());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", line.GetProperty("timestamp").GetString());
        Assert.Equal("warn", line.GetProperty("level").GetString());
        Assert.Equal("pit-test", line.GetProperty("service").GetString());
        Assert.Equal("PitPlatform.Test", line.GetProperty("category").GetString());
        Assert.Equal(
            "request req-1 tenant acme event evt-1: 3 \"quoted\" 0.5",
            line.GetProperty("message").GetString()
        );
        Assert.Equal(span.TraceId.ToHexString(), line.GetProperty("trace_id").GetString());
        Assert.Equal(span.SpanId.ToHexString(), line.GetProperty("span_id").GetString());
        Assert.Equal("req-1", line.GetProperty("request_id").GetString());
        Assert.Equal("acme", line.GetProperty("tenant").GetString());
        Assert.Equal("evt-1", line.GetProperty("event_id").GetString());
        Assert.Equal(3, line.GetProperty("Count").GetInt32());
        Assert.Equal(0.5, line.GetProperty("Ratio").GetDouble());
        Assert.Equal(typeof(InvalidOperationException).FullName, line.GetProperty("exception_type").GetString());
        Assert.Contains("boom", line.GetProperty("exception").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void outside_any_span_a_line_has_no_trace_fields()
    {
        var lines = new JsonLogLines();
        using var services = new ServiceCollection()
            .AddLogging(logging =>
            {
                logging.AddPitConsole(json: true, "pit-test");
                lines.Capture(logging);
            })
            .BuildServiceProvider();
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            services
                .GetRequiredService<ILoggerFactory>()
                .CreateLogger("PitPlatform.Test")
                .LogInformation("no span here");
        }
        finally
        {
            Activity.Current = previous;
        }

        var line = Assert.Single(lines.Parsed());
        Assert.False(line.TryGetProperty("trace_id", out _));
        Assert.Equal("info", line.GetProperty("level").GetString());
    }
}
