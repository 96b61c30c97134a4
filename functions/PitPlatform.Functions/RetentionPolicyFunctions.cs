using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PitPlatform.Governance.Retention;

namespace PitPlatform.Functions;

/// <summary>
/// /v1/admin/retention: the caller's tenant's retention policy (admin scope, checked in the handler).
/// </summary>
public sealed class RetentionPolicyFunctions(RetentionPolicyHandler handler)
{
    [Function("GetRetentionPolicy")]
    public Task Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/admin/retention")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.GetAsync(request, token), cancellationToken);

    [Function("SetRetentionPolicy")]
    public Task Put(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/admin/retention")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.PutAsync(request, token), cancellationToken);
}
