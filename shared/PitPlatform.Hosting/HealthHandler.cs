using Microsoft.AspNetCore.Http;

namespace PitPlatform.Hosting;

/// <summary>GET /livez and GET /healthz, the same in both hosts.</summary>
public sealed class HealthHandler(PlatformHealth health)
{
    /// <summary>200 while the process runs; checks no dependency.</summary>
    public static IResult Live() => Results.Json(new { status = "alive" });

    /// <summary>200 when Kafka, Postgres and Blob all answer, else 503 naming the failing ones.</summary>
    public async Task<IResult> ReadyAsync(CancellationToken cancellationToken)
    {
        var report = await health.CheckAsync(cancellationToken).ConfigureAwait(false);
        return Results.Json(report, Access.Http.ApiJson.Options, statusCode: report.IsHealthy ? 200 : 503);
    }
}
