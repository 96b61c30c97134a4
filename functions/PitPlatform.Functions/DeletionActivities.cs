using Microsoft.Azure.Functions.Worker;
using PitPlatform.Governance.Approvals;
using PitPlatform.Governance.Deletion;

namespace PitPlatform.Functions;

/// <summary>
/// The activities of <see cref="DeletionOrchestrator"/>: thin calls into the shared governance code. Activities run
/// at least once; each step is idempotent (<see cref="DeletionRunner.RunStepAsync"/> skips a finished step).
/// </summary>
public sealed class DeletionActivities(GovernanceRequestStore store, ApprovalDecisions decisions, DeletionRunner runner)
{
    [Function(nameof(ReadDeletion))]
    public async Task<DeletionStatus> ReadDeletion([ActivityTrigger] string id, CancellationToken cancellationToken)
    {
        var request = await store.FindAsync(Guid.Parse(id), cancellationToken);
        return request is null
            ? new DeletionStatus("unknown", DateTime.MinValue)
            : new DeletionStatus(request.State, request.ExpiresAt.UtcDateTime);
    }

    [Function(nameof(ExpireOverdue))]
    public Task<int> ExpireOverdue([ActivityTrigger] string id, CancellationToken cancellationToken) =>
        decisions.ExpireOverdueAsync(cancellationToken);

    [Function(nameof(RunDeletionStep))]
    public async Task<bool> RunDeletionStep(
        [ActivityTrigger] DeletionStepInput input,
        CancellationToken cancellationToken
    )
    {
        var request = await store.FindAsync(Guid.Parse(input.RequestId), cancellationToken);
        // Only an approved request runs steps; a completed one has nothing left (a replayed activity lands here).
        if (request is not { State: GovernanceRequestState.Approved })
            return false;
        return await runner.RunStepAsync(request, input.Step, cancellationToken);
    }
}
