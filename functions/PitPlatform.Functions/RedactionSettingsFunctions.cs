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
        CancellationToken cancellationToken) =>
        Execute(request, token => handler.GetAsync(request, token), cancellationToken);

    [Function("SetRedactionSettings")]
    public Task Put(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/admin/redaction")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Execute(request, token => handler.PutAsync(request, token), cancellationToken);

    private static async Task Execute(HttpRequest request, Func<CancellationToken, Task<IResult>> handle, CancellationToken cancellationToken)
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, request.HttpContext.RequestAborted);
        var result = await handle(cancellation.Token);
        await result.ExecuteAsync(request.HttpContext);
    }
}
