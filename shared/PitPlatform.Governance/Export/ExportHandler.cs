using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;
using PitPlatform.Governance.Retention;

namespace PitPlatform.Governance.Export;

/// <summary>
/// GET /v1/export?scope=tenant|series|cell|subject: everything stored for the scope within the caller's tenant, as
/// NDJSON (<see cref="ExportStream"/>), for an admin key. The export.started audit entry is committed before the
/// first byte is sent, so no export leaves the platform unaudited.
/// </summary>
public sealed class ExportHandler(
    RequestAuthentication authentication,
    NpgsqlDataSource database,
    RetentionAudit audit,
    TimeProvider time,
    ILogger<ExportHandler> logger
)
{
    public Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            async () =>
            {
                var (caller, failure) = await authentication
                    .RequireAsync(request, ApiKeyScope.Admin, cancellationToken)
                    .ConfigureAwait(false);
                if (failure is not null)
                    return failure;
                var (scope, invalid) = ExportScope.FromQuery(request.Query, caller!.Tenant);
                if (invalid is not null)
                    return invalid;
                var startedAt = time.GetUtcNow();
                var details = new JsonObject
                {
                    ["scope"] = scope!.Kind,
                    ["tables"] = new JsonArray([.. ExportTables.For(scope).Select(q => (JsonNode)q.Table)]),
                };
                await audit.ExportStartedAsync(caller, scope.Target, details, cancellationToken).ConfigureAwait(false);
                logger.LogInformation("export of {Target} started by key {KeyPrefix}", scope.Target, caller.KeyPrefix);
                return new ExportStream(database, scope, startedAt, logger);
            },
            logger,
            "GET /v1/export"
        );
}
