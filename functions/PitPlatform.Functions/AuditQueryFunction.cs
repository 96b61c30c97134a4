using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PitPlatform.Governance.Audit;

namespace PitPlatform.Functions;

/// <summary>GET /v1/audit. Authentication is the platform's own API key (in the handler).</summary>
public sealed class AuditQueryFunction(AuditQueryHandler handler)
{
    [Function("AuditQuery")]
    public Task Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/audit")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.HandleAsync(request, token), cancellationToken);
}
