using PitPlatform.Hosting;
using PitPlatform.Ingestion;
using PitPlatform.Processing.Nav;

namespace PitPlatform.LocalHost;

/// <summary>The HTTP routes of the local host: the same handlers the Functions app binds, plus health.</summary>
public static class LocalRoutes
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/v1/events", (HttpContext context, IngestEventsHandler handler) =>
            handler.HandleAsync(context.Request, context.RequestAborted));
        app.MapGet("/v1/series/{series}/nav", (HttpContext context, string series, NavQueryHandler handler) =>
            handler.HandleAsync(context.Request, series, context.RequestAborted));

        app.MapGet("/livez", () => Results.Json(new { status = "alive" }));
        app.MapGet("/healthz", async (PlatformHealth health, CancellationToken cancellationToken) =>
        {
            var report = await health.CheckAsync(cancellationToken).ConfigureAwait(false);
            return Results.Json(report, Access.Http.ApiJson.Options, statusCode: report.IsHealthy ? 200 : 503);
        });
    }
}
