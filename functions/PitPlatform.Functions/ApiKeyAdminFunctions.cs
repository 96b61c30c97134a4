using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PitPlatform.Access.Admin;

namespace PitPlatform.Functions;

/// <summary>
/// /v1/admin/keys: create, list and revoke the caller's tenant's API keys (admin scope, checked in the handler).
/// </summary>
public sealed class ApiKeyAdminFunctions(ApiKeyAdminHandler handler)
{
    [Function("CreateApiKey")]
    public Task Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/admin/keys")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.CreateAsync(request, token), cancellationToken);

    [Function("ListApiKeys")]
    public Task List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/admin/keys")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.ListAsync(request, token), cancellationToken);

    [Function("RevokeApiKey")]
    public Task Revoke(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/admin/keys/{prefix}")] HttpRequest request,
        string prefix,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.RevokeAsync(request, prefix, token), cancellationToken);
}
