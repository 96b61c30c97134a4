using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PitPlatform.Governance.Export;

namespace PitPlatform.Functions;

/// <summary>GET /v1/export: the scope's data as streamed NDJSON (admin scope, checked in the handler).</summary>
public sealed class ExportFunction(ExportHandler handler)
{
    [Function("Export")]
    public Task Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/export")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.HandleAsync(request, token), cancellationToken);
}
