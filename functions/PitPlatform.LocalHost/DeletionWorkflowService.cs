using PitPlatform.Governance.Deletion;

namespace PitPlatform.LocalHost;

/// <summary>
/// The local host's stand-in for the Durable orchestrator: drives approved deletions and expiries from the state in
/// Postgres, every few seconds or at once after an approval. Killed at any point, the next start resumes.
/// </summary>
public sealed class DeletionWorkflowService(
    DeletionDriver driver,
    DeletionWakeup wakeup,
    ILogger<DeletionWorkflowService> logger
) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await driver.RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Postgres or Kafka unavailable, most likely: the state is intact, the next pass retries.
                logger.LogWarning(e, "deletion workflow pass failed; retrying in {Poll}", Poll);
            }
            try
            {
                await wakeup.WaitAsync(Poll, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
