using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PitPlatform.Governance.Audit;

namespace PitPlatform.Functions;

/// <summary>GET /v1/audit/verification: the caller's tenant's audit chain checked on the server.</summary>
public sealed class AuditVerificationFunction(AuditVerificationHandler handler)
{
    [Function("AuditVerification")]
    public Task Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/audit/verification")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.HandleAsync(request, token), cancellationToken);
}
