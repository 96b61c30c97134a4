using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PitPlatform.Hosting;

namespace PitPlatform.Functions;

/// <summary>
/// GET /livez and GET /healthz, as in the local host: an availability test or a front door can probe the deployed app
/// the way a developer probes ./pit up. Anonymous, and they say nothing about tenants.
/// </summary>
public sealed class HealthFunctions(HealthHandler handler)
{
    [Function("Liveness")]
    [SuppressMessage(
        "Performance",
        "CA1822",
        Justification = "A function of the class the host creates, as its siblings."
    )]
    public Task Live(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "livez")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, _ => Task.FromResult(HealthHandler.Live()), cancellationToken);

    [Function("Readiness")]
    public Task Ready(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "healthz")] HttpRequest request,
        CancellationToken cancellationToken
    ) => FunctionHttp.RunAsync(request, handler.ReadyAsync, cancellationToken);
}
