using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace PitPlatform.Hosting.Telemetry;

/// <summary>
/// The exporters of PIT_TELEMETRY=traces: they take every batch the batch processors hand over, walk it as a real
/// exporter does, count it and drop it. The counts let a load test show that every span was exported, not dropped.
/// </summary>
public static class DiscardingExporter
{
    private static long _spans;
    private static long _logRecords;

    /// <summary>Spans exported since the process started.</summary>
    public static long SpansExported => Interlocked.Read(ref _spans);

    /// <summary>Log records exported since the process started.</summary>
    public static long LogRecordsExported => Interlocked.Read(ref _logRecords);

    public sealed class Spans : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            long count = 0;
            foreach (var span in batch)
            {
                if (span.TraceId != default)
                    count++;
            }
            Interlocked.Add(ref _spans, count);
            return ExportResult.Success;
        }
    }

    public sealed class LogRecords : BaseExporter<LogRecord>
    {
        public override ExportResult Export(in Batch<LogRecord> batch)
        {
            long count = 0;
            foreach (var record in batch)
            {
                if (record is not null)
                    count++;
            }
            Interlocked.Add(ref _logRecords, count);
            return ExportResult.Success;
        }
    }
}
