using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PitPlatform.Ingestion.Redaction;

namespace PitPlatform.Functions;

/// <summary>/v1/admin/redaction: the caller's tenant's redaction modes (admin scope, checked in the handler).</summary>
public sealed class RedactionSettingsFunctions(RedactionSettingsHandler handler)
{
    [Function("GetRedactionSettings")]
    public Task Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/admin/redaction")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.GetAsync(request, token), cancellationToken);

    [Function("SetRedactionSettings")]
    public Task Put(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/admin/redaction")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.PutAsync(request, token), cancellationToken);
}
