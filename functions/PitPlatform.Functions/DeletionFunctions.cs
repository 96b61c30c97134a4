using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using PitPlatform.Access.Http;
using PitPlatform.Governance.Deletion;

namespace PitPlatform.Functions;

/// <summary>
/// /v1/deletions and /v1/tenants/{id}/deletion (an operator's offboarding of a tenant) over the shared handler. The
/// decisions themselves are made by the handler in Postgres (the source of truth, exactly as in the local host); the
/// durable orchestration only drives the steps, so an event it misses costs a poll, never a decision. The starter
/// starts one orchestration per request, its instance id the request id; approve and reject wake it by raising the
/// event name it is waiting for (a fresh name per wait, see
/// <see cref="DeletionOrchestrator"/>).
/// </summary>
public sealed class DeletionFunctions(DeletionHandler handler)
{
    [Function("RequestDeletion")]
    public Task Request(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/deletions")] HttpRequest request,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken
    ) =>
        FunctionHttp.RunAsync(
            request,
            async token =>
            {
                var result = await handler.CreateAsync(request, token);
                if (RequestId(result) is { } id)
                {
                    await durable.ScheduleNewOrchestrationInstanceAsync(
                        nameof(DeletionOrchestrator),
                        id,
                        new StartOrchestrationOptions { InstanceId = id },
                        token
                    );
                }
                return result;
            },
            cancellationToken
        );

    [Function("RequestTenantDeletion")]
    public Task RequestTenantDeletion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/tenants/{id}/deletion")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken
    ) =>
        FunctionHttp.RunAsync(
            request,
            async token =>
            {
                var result = await handler.OffboardAsync(request, id, token);
                if (RequestId(result) is { } requestId)
                {
                    await durable.ScheduleNewOrchestrationInstanceAsync(
                        nameof(DeletionOrchestrator),
                        requestId,
                        new StartOrchestrationOptions { InstanceId = requestId },
                        token
                    );
                }
                return result;
            },
            cancellationToken
        );

    [Function("GetDeletion")]
    public Task Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/deletions/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.GetAsync(request, id, token), cancellationToken);

    [Function("ApproveDeletion")]
    public Task Approve(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/deletions/{id}/approve")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken
    ) =>
        FunctionHttp.RunAsync(
            request,
            async token => await WakeAsync(durable, id, await handler.ApproveAsync(request, id, token), token),
            cancellationToken
        );

    [Function("RejectDeletion")]
    public Task Reject(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/deletions/{id}/reject")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken
    ) =>
        FunctionHttp.RunAsync(
            request,
            async token => await WakeAsync(durable, id, await handler.RejectAsync(request, id, token), token),
            cancellationToken
        );

    /// <summary>
    /// After a decision the handler accepted, wakes the orchestration on the event name it is waiting for.
    /// </summary>
    private static async Task<IResult> WakeAsync(
        DurableTaskClient durable,
        string id,
        IResult result,
        CancellationToken cancellationToken
    )
    {
        // Refusals carry their status; an accepted decision is a plain 200 (no explicit status on the result).
        if (result is IStatusCodeHttpResult { StatusCode: not (null or StatusCodes.Status200OK) })
            return result;
        var instance = await durable.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
        if (
            instance?.SerializedCustomStatus is { Length: > 0 } status
            && System.Text.Json.JsonSerializer.Deserialize<string>(status) is { Length: > 0 } eventName
        )
        {
            await durable.RaiseEventAsync(id, eventName, "decided", cancellationToken);
        }
        return result;
    }

    /// <summary>The id of a request the handler accepted (202 with Location /v1/deletions/{id}).</summary>
    private static string? RequestId(IResult result) =>
        result is ResultWithHeaders withHeaders
        && withHeaders.Headers.FirstOrDefault(h => h.Key == "Location").Value is { } location
        && location.StartsWith("/v1/deletions/", StringComparison.Ordinal)
            ? location["/v1/deletions/".Length..]
            : null;
}
