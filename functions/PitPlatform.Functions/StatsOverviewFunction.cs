using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PitPlatform.Processing.RecentEvents;

namespace PitPlatform.Functions;

/// <summary>GET /v1/stats/overview: the console's overview. Authentication in the handler.</summary>
public sealed class StatsOverviewFunction(StatsOverviewHandler handler)
{
    [Function("StatsOverview")]
    public Task Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/stats/overview")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.HandleAsync(request, token), cancellationToken);
}
