using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PitPlatform.Governance.Tenants;

namespace PitPlatform.Functions;

/// <summary>
/// /v1/tenants: the tenant lifecycle for platform operators (operator scope, checked in the handler).
/// </summary>
public sealed class TenantFunctions(TenantHandler handler)
{
    [Function("CreateTenant")]
    public Task Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/tenants")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.CreateAsync(request, token), cancellationToken);

    [Function("ListTenants")]
    public Task List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/tenants")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.ListAsync(request, token), cancellationToken);

    [Function("GetTenant")]
    public Task Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/tenants/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.GetAsync(request, id, token), cancellationToken);

    [Function("UpdateTenant")]
    public Task Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/tenants/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.UpdateAsync(request, id, token), cancellationToken);

    [Function("SuspendTenant")]
    public Task Suspend(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/tenants/{id}/suspend")] HttpRequest request,
        string id,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.SuspendAsync(request, id, token), cancellationToken);

    [Function("ResumeTenant")]
    public Task Resume(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/tenants/{id}/resume")] HttpRequest request,
        string id,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.ResumeAsync(request, id, token), cancellationToken);
}
