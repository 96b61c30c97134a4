using Microsoft.Extensions.Logging;
using PitPlatform.Governance.Approvals;

namespace PitPlatform.Governance.Deletion;

/// <summary>
/// One pass of the local host's workflow driver: expires overdue requests and runs every approved deletion to its
/// end. All state is in Postgres, so a driver started after a crash picks up exactly where the last one stopped. A
/// deletion still waiting for its consumers (<see cref="DeletionBarrier"/>) is retried on the next pass.
/// </summary>
public class DeletionDriver(
    GovernanceRequestStore store,
    ApprovalDecisions decisions,
    DeletionRunner runner,
    ILogger<DeletionDriver> logger
)
{
    /// <summary>Returns how many deletions ran to completion in this pass.</summary>
    public virtual async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var expired = await decisions.ExpireOverdueAsync(cancellationToken).ConfigureAwait(false);
        if (expired > 0)
            logger.LogInformation("{Count} governance requests expired unanswered", expired);
        var completed = 0;
        foreach (var id in await store.ApprovedAsync(DeletionRequests.Kind, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                if (await runner.RunAsync(id, cancellationToken).ConfigureAwait(false))
                    completed++;
            }
            catch (DeletionBarrierNotReachedException e)
            {
                // Events accepted before the approval are still being consumed: the next pass (every few seconds)
                // asks again; the barrier logged what it waits on, at error level once past its limit.
                logger.LogDebug(e, "deletion {Id} waits for its consumers", id);
            }
        }
        return completed;
    }
}
