using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PitPlatform.Processing.RecentEvents;

namespace PitPlatform.Functions;

/// <summary>
/// GET /v1/events/recent and GET /v1/events/recent/{event_id}: the console's logs. Authentication in the handler.
/// </summary>
public sealed class RecentEventsFunctions(RecentEventsHandler handler)
{
    [Function("RecentEvents")]
    public Task List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/events/recent")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.ListAsync(request, token), cancellationToken);

    [Function("RecentEvent")]
    public Task Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/events/recent/{event_id}")] HttpRequest request,
        [SuppressMessage("Naming", "CA1707", Justification = "bound by name to the spec's {event_id}")] string event_id,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, token => handler.GetAsync(request, event_id, token), cancellationToken);
}
