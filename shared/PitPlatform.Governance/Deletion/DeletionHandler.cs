using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;
using PitPlatform.Access.Tenants;
using PitPlatform.Governance.Approvals;

namespace PitPlatform.Governance.Deletion;

/// <summary>
/// POST /v1/deletions (admin: request), GET /v1/deletions/{id} (admin or approver: state, steps, counts, receipt),
/// POST /v1/deletions/{id}/approve and /reject (approver of the same tenant, another principal). POST
/// /v1/tenants/{id}/deletion (operator) asks for a tenant's offboarding, which another operator decides on the same
/// routes (<see cref="ApprovalDecisions.MayDecide"/>). Every attempt by an
/// authenticated key is audited, refused ones included; an unauthenticated call names no tenant to audit.
/// </summary>
public sealed class DeletionHandler(
    RequestAuthentication authentication,
    DeletionRequests requests,
    ApprovalDecisions decisions,
    GovernanceRequestStore store,
    NpgsqlDataSource database,
    TenantStore tenants,
    ILogger<DeletionHandler> logger
)
{
    public const int MaxReasonLength = 1000;
    private const int MaxBodyBytes = 64 * 1024;

    public Task<IResult> CreateAsync(HttpRequest request, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(() => CreateCoreAsync(request, cancellationToken), logger, "POST /v1/deletions");

    public Task<IResult> GetAsync(HttpRequest request, string id, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(() => GetCoreAsync(request, id, cancellationToken), logger, "GET /v1/deletions/{id}");

    public Task<IResult> ApproveAsync(HttpRequest request, string id, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            () => DecideAsync(request, id, approve: true, cancellationToken),
            logger,
            "POST /v1/deletions/{id}/approve"
        );

    public Task<IResult> RejectAsync(HttpRequest request, string id, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            () => DecideAsync(request, id, approve: false, cancellationToken),
            logger,
            "POST /v1/deletions/{id}/reject"
        );

    public Task<IResult> OffboardAsync(HttpRequest request, string tenant, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            () => OffboardCoreAsync(request, tenant, cancellationToken),
            logger,
            "POST /v1/tenants/{id}/deletion"
        );

    private async Task<IResult> OffboardCoreAsync(
        HttpRequest request,
        string tenant,
        CancellationToken cancellationToken
    )
    {
        var (key, refused) = await authentication
            .RequireAsync(request, ApiKeyScope.Operator, cancellationToken)
            .ConfigureAwait(false);
        if (key is null)
            return refused!;
        if (
            request.ContentType is not { } type
            || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
        )
            return ApiErrors.Error(
                StatusCodes.Status415UnsupportedMediaType,
                "ERR_UNSUPPORTED_MEDIA_TYPE",
                "the body must be application/json"
            );
        var (body, malformed) = await JsonRequestBody
            .ParseAsync(request, new JsonDocumentOptions { MaxDepth = 8 }, cancellationToken)
            .ConfigureAwait(false);
        if (body is null)
            return malformed!;
        string reason;
        using (body)
        {
            reason =
                body.RootElement.ValueKind == JsonValueKind.Object
                && body.RootElement.TryGetProperty("reason", out var r)
                && r.ValueKind == JsonValueKind.String
                    ? r.GetString()!
                    : "";
        }
        if (reason.Length is 0 or > MaxReasonLength)
            return ApiErrors.BadRequest(
                "ERR_VALIDATION",
                $"reason must be 1 to {MaxReasonLength} characters",
                new { pointer = "/reason" }
            );
        if (await tenants.FindAsync(tenant, cancellationToken).ConfigureAwait(false) is null)
            return ApiErrors.Error(StatusCodes.Status404NotFound, "ERR_NOT_FOUND", "no tenant has that id");

        var created = await requests
            .CreateAsync(key, tenant, DeletionScope.OffboardTenant(), reason, cancellationToken)
            .ConfigureAwait(false);
        logger.LogInformation(
            "offboarding of tenant {Tenant} requested by {Principal}: deletion {Id}",
            tenant,
            key.Principal,
            created.Id
        );
        var view = await ViewAsync(created, cancellationToken).ConfigureAwait(false);
        return new ResultWithHeaders(
            Results.Json(new { data = view }, ApiJson.Options, statusCode: StatusCodes.Status202Accepted),
            [KeyValuePair.Create("Location", $"/v1/deletions/{created.Id:D}")]
        );
    }

    private async Task<IResult> CreateCoreAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (key, refused) = await authentication.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
        if (key is null)
            return refused!;
        if (!key.Has(ApiKeyScope.Admin))
        {
            await requests.RefusedAsync(key, "missing_scope", null, cancellationToken).ConfigureAwait(false);
            return ApiErrors.MissingScope(ApiKeyScope.Admin);
        }
        if (
            request.ContentType is not { } type
            || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
        )
            return ApiErrors.Error(
                StatusCodes.Status415UnsupportedMediaType,
                "ERR_UNSUPPORTED_MEDIA_TYPE",
                "the body must be application/json"
            );
        if (request.ContentLength > MaxBodyBytes)
            return ApiErrors.Error(
                StatusCodes.Status413PayloadTooLarge,
                "ERR_PAYLOAD_TOO_LARGE",
                $"the body may be at most {MaxBodyBytes} bytes",
                new { limit = MaxBodyBytes }
            );
        var (body, malformed) = await JsonRequestBody
            .ParseAsync(request, new JsonDocumentOptions { MaxDepth = 8 }, cancellationToken)
            .ConfigureAwait(false);
        if (body is null)
            return malformed!;
        using (body)
        {
            if (body.RootElement.ValueKind != JsonValueKind.Object)
                return ApiErrors.BadRequest(
                    "ERR_INVALID_BODY",
                    "the body must be {\"scope\":\"tenant|series|cell|subject\",...,\"reason\":\"...\"}",
                    new { pointer = "" }
                );
            var (scope, pointer, problem, mismatch) = DeletionScope.Parse(body.RootElement, key.Tenant);
            if (mismatch)
            {
                await requests
                    .RefusedAsync(
                        key,
                        "tenant_mismatch",
                        new JsonObject { ["named_tenant"] = body.RootElement.GetProperty("tenant").ToString() },
                        cancellationToken
                    )
                    .ConfigureAwait(false);
                return ApiErrors.Error(
                    StatusCodes.Status403Forbidden,
                    "ERR_TENANT_MISMATCH",
                    problem!,
                    new { pointer }
                );
            }
            if (scope is null)
                return ApiErrors.BadRequest("ERR_VALIDATION", problem!, new { pointer });
            var reason =
                body.RootElement.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String
                    ? r.GetString()!
                    : "";
            if (reason.Length is 0 or > MaxReasonLength)
                return ApiErrors.BadRequest(
                    "ERR_VALIDATION",
                    $"reason must be 1 to {MaxReasonLength} characters",
                    new { pointer = "/reason" }
                );

            var created = await requests.CreateAsync(key, scope, reason, cancellationToken).ConfigureAwait(false);
            var view = await ViewAsync(created, cancellationToken).ConfigureAwait(false);
            return new ResultWithHeaders(
                Results.Json(new { data = view }, ApiJson.Options, statusCode: StatusCodes.Status202Accepted),
                [KeyValuePair.Create("Location", $"/v1/deletions/{created.Id:D}")]
            );
        }
    }

    private async Task<IResult> GetCoreAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var (key, refused) = await authentication.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
        if (key is null)
            return refused!;
        if (!key.Has(ApiKeyScope.Admin) && !key.Has(ApiKeyScope.Approver) && !key.Has(ApiKeyScope.Operator))
            return ApiErrors.MissingScope(ApiKeyScope.Admin);
        var found = Guid.TryParse(id, out var requestId)
            ? await store.FindAsync(requestId, cancellationToken).ConfigureAwait(false)
            : null;
        // Another tenant's request and an unknown id look the same; operators see offboardings only.
        if (found is null || found.Kind != DeletionRequests.Kind)
            return NotFound();
        var visible = key.Has(ApiKeyScope.Operator)
            ? DeletionScope.IsOffboarding(found.Payload)
            : found.Tenant == key.Tenant;
        if (!visible)
            return NotFound();
        return Results.Json(
            new { data = await ViewAsync(found, cancellationToken).ConfigureAwait(false) },
            ApiJson.Options
        );
    }

    private async Task<IResult> DecideAsync(
        HttpRequest request,
        string id,
        bool approve,
        CancellationToken cancellationToken
    )
    {
        var (key, refused) = await authentication.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
        if (key is null)
            return refused!;
        var decision = await decisions
            .DecideAsync(key, DeletionRequests.Kind, id, approve, cancellationToken)
            .ConfigureAwait(false);
        if (decision.Refusal is { } refusal)
            return refusal.ToResult();
        return Results.Json(
            new { data = await ViewAsync(decision.Request!, cancellationToken).ConfigureAwait(false) },
            ApiJson.Options
        );
    }

    private static IResult NotFound() =>
        ApiErrors.Error(StatusCodes.Status404NotFound, "ERR_NOT_FOUND", "no deletion of this tenant has that id");

    private async Task<DeletionView> ViewAsync(GovernanceRequest request, CancellationToken cancellationToken)
    {
        var steps = new List<DeletionStepView>();
        await using (
            var command = database.CreateCommand(
                "SELECT step, completed_at, counts::text FROM deletion_steps WHERE request_id = $1 ORDER BY "
                    + "completed_at, step"
            )
        )
        {
            command.Parameters.Add(new() { Value = request.Id });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var counts = JsonNode
                    .Parse(reader.GetString(2))!
                    .AsObject()
                    .ToDictionary(c => c.Key, c => (long)c.Value!, StringComparer.Ordinal);
                steps.Add(
                    new DeletionStepView(
                        reader.GetString(0),
                        reader.GetFieldValue<DateTimeOffset>(1).UtcDateTime,
                        counts
                    )
                );
            }
        }
        var totals = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (store, count) in steps.SelectMany(s => s.Counts))
            totals[store] = totals.GetValueOrDefault(store) + count;
        return new DeletionView(
            request.Id,
            request.Tenant,
            request.State,
            request.Payload,
            request.Reason,
            request.RequestedBy.Principal,
            request.RequestedAt.UtcDateTime,
            request.ExpiresAt.UtcDateTime,
            request.DecidedBy?.Principal,
            request.DecidedAt?.UtcDateTime,
            request.CompletedAt?.UtcDateTime,
            steps,
            totals,
            request.Receipt
        );
    }
}
