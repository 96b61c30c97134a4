using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Ingestion.Refusals;

namespace PitPlatform.Hosting;

/// <summary>
/// Flushes the <see cref="IngestRefusalCounter"/> every <see cref="Interval"/>, and once more on shutdown.
/// </summary>
public sealed class IngestRefusalFlusher(IngestRefusalCounter counter, ILogger<IngestRefusalFlusher> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                await FlushAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await counter.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // Kept in memory and retried at the next tick; only a crash loses counts.
            logger.LogWarning(e, "ingest refusal counts not flushed; retrying at the next tick");
        }
    }
}
