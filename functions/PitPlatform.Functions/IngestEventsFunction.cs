using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PitPlatform.Ingestion;

namespace PitPlatform.Functions;

/// <summary>POST /v1/events. Authentication is the platform's own API key (in the handler), hence Anonymous.</summary>
public sealed class IngestEventsFunction(IngestEventsHandler handler)
{
    [Function("IngestEvents")]
    public Task Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/events")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.HandleAsync(request, token), cancellationToken);
}
