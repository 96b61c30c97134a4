using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PitPlatform.Governance.Approvals;

namespace PitPlatform.Functions;

/// <summary>
/// /v1/approvals (the inbox) and /v1/approvals/{id}: list, read, approve and reject gated changes of any kind (the
/// rules are in the handler).
/// </summary>
public sealed class ApprovalFunctions(ApprovalsHandler handler)
{
    [Function("ListApprovals")]
    public Task List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/approvals")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.ListAsync(request, token), cancellationToken);

    [Function("GetApproval")]
    public Task Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/approvals/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.GetAsync(request, id, token), cancellationToken);

    [Function("ApproveApproval")]
    public Task Approve(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/approvals/{id}/approve")] HttpRequest request,
        string id,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.ApproveAsync(request, id, token), cancellationToken);

    [Function("RejectApproval")]
    public Task Reject(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/approvals/{id}/reject")] HttpRequest request,
        string id,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.RejectAsync(request, id, token), cancellationToken);
}
