using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PitPlatform.Processing.Nav;

namespace PitPlatform.Functions;

/// <summary>GET /v1/series/{series}/nav.svg. Authentication is the platform's own API key (in the handler).</summary>
public sealed class NavChartFunction(NavChartHandler handler)
{
    [Function("NavChart")]
    public Task Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/series/{series}/nav.svg")] HttpRequest request,
        string series,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.HandleAsync(request, series, token), cancellationToken);
}
