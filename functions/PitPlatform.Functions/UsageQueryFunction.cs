using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PitPlatform.Processing.Usage;

namespace PitPlatform.Functions;

/// <summary>GET /v1/usage. Authentication is the platform's own API key (in the handler).</summary>
public sealed class UsageQueryFunction(UsageQueryHandler handler)
{
    [Function("UsageQuery")]
    public Task Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/usage")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.HandleAsync(request, token), cancellationToken);
}
