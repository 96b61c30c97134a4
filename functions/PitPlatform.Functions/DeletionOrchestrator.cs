using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using PitPlatform.Governance.Deletion;

namespace PitPlatform.Functions;

/// <summary>
/// The Durable orchestration of one deletion request (instance id = request id). Deterministic: all I/O is in
/// activities, all time is the context's. It waits for a decision with WaitForExternalEvent and a timeout, under a
/// fresh event name per generation (published as the custom status for the approve/reject functions before it reads
/// the request, so a decision made after that read raises the name it will wait for): a wait that timed out can still
/// swallow a later event of the same name (azure-functions-durable-extension #3255). Whatever wakes it, it re-reads
/// the request's state from Postgres, so a lost event only delays it to the next timeout. Once
/// approved it runs the same idempotent steps as the local host, one activity with retry per step.
/// <para>
/// A request may wait up to PIT_APPROVAL_EXPIRY_HOURS (a year at most). Each wait is one slice of at most
/// <see cref="MaxWait"/>, and a slice that ends with the request still pending continues as new, so the history a
/// replay reads stays a handful of events however long the wait. After the expiry activity ran on an overdue request,
/// the request's own state decides, not the activity's count (which is of every request it expired): decided or
/// expired ends the wait at once; still pending (its clock and the orchestration's disagree) is re-checked after a
/// timer, never in a tight loop.
/// </para>
/// </summary>
public static class DeletionOrchestrator
{
    /// <summary>The longest single wait: a decision whose event was lost is still seen within this.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromHours(1);

    /// <summary>The first wait after the consumer barrier was not reached; it doubles up to the max.</summary>
    public static readonly TimeSpan BarrierFirstRetry = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan BarrierMaxRetry = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Barrier checks in one generation: about an hour at the max interval, a few dozen history events.
    /// </summary>
    public const int BarrierAttemptsPerGeneration = 20;

    /// <summary>How long an overdue request that is still pending waits before the expiry is tried again.</summary>
    public static readonly TimeSpan OverdueRecheck = TimeSpan.FromMinutes(1);

    [Function(nameof(DeletionOrchestrator))]
    public static Task<string> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        RunAsync(context, MaxWait);

    /// <summary>
    /// The orchestration with slices of at most <paramref name="maxWait"/>: tests shorten it, as the in-process
    /// engine's timers run in real time.
    /// </summary>
    internal static async Task<string> RunAsync(TaskOrchestrationContext context, TimeSpan maxWait)
    {
        var id = context.GetInput<string>()!;
        var logger = context.CreateReplaySafeLogger(nameof(DeletionOrchestrator));
        var retry = new TaskOptions(
            new TaskRetryOptions(
                new RetryPolicy(
                    maxNumberOfAttempts: 8,
                    firstRetryInterval: TimeSpan.FromSeconds(5),
                    backoffCoefficient: 2,
                    maxRetryInterval: TimeSpan.FromMinutes(5)
                )
            )
        );

        // Published before the read: a decision the read did not see finds this name when it wakes the orchestration,
        // and its event is buffered until the wait takes it, instead of going nowhere for a whole slice.
        var eventName = $"decision-{context.NewGuid():N}";
        context.SetCustomStatus(eventName);
        var state = await ReadAsync(context, id, retry);
        if (state.State == "pending")
        {
            state = await WaitOneSliceAsync(context, id, state, eventName, maxWait, retry);
            if (state.State == "pending")
            {
                // A fresh history for the next slice; the request's state lives in Postgres, not in this history.
                context.ContinueAsNew(id, preserveUnprocessedEvents: false);
                return "pending";
            }
        }

        context.SetCustomStatus(state.State);
        if (state.State != "approved")
        {
            logger.LogInformation("deletion {Id} ends {State}", id, state.State);
            return state.State;
        }
        if (!await PassBarrierAsync(context, id))
        {
            // A fresh history for the next round of checks; the barrier's marks and start are in Postgres.
            context.ContinueAsNew(id, preserveUnprocessedEvents: false);
            return "waiting-on-consumers";
        }
        foreach (var step in DeletionRunner.Steps.Where(s => s != DeletionBarrier.Step))
            await context.CallActivityAsync<bool>(
                nameof(DeletionActivities.RunDeletionStep),
                new DeletionStepInput(id, step),
                retry
            );
        context.SetCustomStatus("completed");
        return "completed";
    }

    /// <summary>
    /// Waits for a decision until the request's expiry or <paramref name="maxWait"/>, or expires an overdue one;
    /// returns the request's state read afterwards.
    /// </summary>
    private static async Task<DeletionStatus> WaitOneSliceAsync(
        TaskOrchestrationContext context,
        string id,
        DeletionStatus state,
        string eventName,
        TimeSpan maxWait,
        TaskOptions retry
    )
    {
        var remaining = state.ExpiresAt - context.CurrentUtcDateTime;
        if (remaining <= TimeSpan.Zero)
        {
            // The count is of every request the sweep expired, not of this one (a decision that landed since the read
            // leaves it at 0): this request's own state says whether it is still pending.
            await context.CallActivityAsync<int>(nameof(DeletionActivities.ExpireOverdue), id, retry);
            var after = await ReadAsync(context, id, retry);
            // Still pending: the activity's clock says it is not yet due. Wait before asking again, never a tight loop.
            if (after.State == "pending")
                await context.CreateTimer(context.CurrentUtcDateTime + OverdueRecheck, CancellationToken.None);
            return after;
        }

        try
        {
            await context.WaitForExternalEvent<string>(eventName, remaining < maxWait ? remaining : maxWait);
        }
        catch (TaskCanceledException)
        {
            // Timed out: the state read below says what happened (expired, decided without a delivered event, or still
            // pending).
        }
        return await ReadAsync(context, id, retry);
    }

    /// <summary>
    /// Runs the barrier step (<see cref="DeletionBarrier"/>) until it passes, with backoff from
    /// <see cref="BarrierFirstRetry"/> to <see cref="BarrierMaxRetry"/>; each failure's message (the lagging group and
    /// partition, or "stalled" past the barrier's limit) becomes the custom status. False after
    /// <see cref="BarrierAttemptsPerGeneration"/> attempts, so the caller continues as new with a short history.
    /// </summary>
    private static async Task<bool> PassBarrierAsync(TaskOrchestrationContext context, string id)
    {
        var delay = BarrierFirstRetry;
        for (var attempt = 0; attempt < BarrierAttemptsPerGeneration; attempt++)
        {
            try
            {
                await context.CallActivityAsync<bool>(
                    nameof(DeletionActivities.RunDeletionStep),
                    new DeletionStepInput(id, DeletionBarrier.Step)
                );
                return true;
            }
            catch (TaskFailedException e)
            {
                context.SetCustomStatus($"waiting-on-consumers: {e.FailureDetails.ErrorMessage}");
            }
            await context.CreateTimer(context.CurrentUtcDateTime + delay, CancellationToken.None);
            delay = delay * 2 < BarrierMaxRetry ? delay * 2 : BarrierMaxRetry;
        }
        return false;
    }

    private static Task<DeletionStatus> ReadAsync(TaskOrchestrationContext context, string id, TaskOptions retry) =>
        context.CallActivityAsync<DeletionStatus>(nameof(DeletionActivities.ReadDeletion), id, retry);
}

/// <summary>What the orchestration needs to know about its request.</summary>
public sealed record DeletionStatus(string State, DateTime ExpiresAt);

/// <summary>One step of one request, as an activity's input.</summary>
public sealed record DeletionStepInput(string RequestId, string Step);
