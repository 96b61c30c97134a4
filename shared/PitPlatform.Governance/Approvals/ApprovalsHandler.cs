using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;

namespace PitPlatform.Governance.Approvals;

/// <summary>
/// GET /v1/approvals/{id} (admin or approver) and POST /v1/approvals/{id}/approve and /reject (approver of the same
/// tenant, another principal): the requests of every kind, e.g. the redaction request PUT /v1/admin/redaction makes
/// for store_raw. The same rules and audit as deletions (<see cref="ApprovalDecisions"/>).
/// </summary>
public sealed class ApprovalsHandler(
    RequestAuthentication authentication,
    ApprovalDecisions decisions,
    GovernanceRequestStore store,
    ILogger<ApprovalsHandler> logger
)
{
    /// <summary>The most requests GET /v1/approvals returns (newest first): an inbox, not an archive.</summary>
    public const int ListLimit = 200;

    private static readonly string[] States = ["pending", "approved", "completed", "rejected", "expired"];

    /// <summary>
    /// GET /v1/approvals?state=: the tenant's requests of every kind, newest first (the console's inbox).
    /// </summary>
    public Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            async () =>
            {
                var (key, refused) = await authentication
                    .AuthenticateAsync(request, cancellationToken)
                    .ConfigureAwait(false);
                if (key is null)
                    return refused!;
                if (!key.Has(ApiKeyScope.Admin) && !key.Has(ApiKeyScope.Approver))
                    return ApiErrors.MissingScope(ApiKeyScope.Admin);
                var state = request.Query["state"].FirstOrDefault();
                if (state is not null && !States.Contains(state))
                    return ApiErrors.BadRequest(
                        "ERR_VALIDATION",
                        $"state must be one of {string.Join(", ", States)}",
                        new { parameter = "state" }
                    );
                var requests = await store
                    .ListAsync(key.Tenant, state, ListLimit, cancellationToken)
                    .ConfigureAwait(false);
                return Results.Json(new { data = requests.Select(View) }, ApiJson.Options);
            },
            logger,
            "GET /v1/approvals"
        );

    public Task<IResult> GetAsync(HttpRequest request, string id, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            async () =>
            {
                var (key, refused) = await authentication
                    .AuthenticateAsync(request, cancellationToken)
                    .ConfigureAwait(false);
                if (key is null)
                    return refused!;
                if (!key.Has(ApiKeyScope.Admin) && !key.Has(ApiKeyScope.Approver))
                    return ApiErrors.MissingScope(ApiKeyScope.Admin);
                var found = Guid.TryParse(id, out var requestId)
                    ? await store.FindAsync(requestId, cancellationToken).ConfigureAwait(false)
                    : null;
                if (found is null || found.Tenant != key.Tenant)
                    return ApiErrors.Error(
                        StatusCodes.Status404NotFound,
                        "ERR_NOT_FOUND",
                        "no request of this tenant has that id"
                    );
                return Results.Json(new { data = View(found) }, ApiJson.Options);
            },
            logger,
            "GET /v1/approvals/{id}"
        );

    public Task<IResult> ApproveAsync(HttpRequest request, string id, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            () => DecideAsync(request, id, approve: true, cancellationToken),
            logger,
            "POST /v1/approvals/{id}/approve"
        );

    public Task<IResult> RejectAsync(HttpRequest request, string id, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            () => DecideAsync(request, id, approve: false, cancellationToken),
            logger,
            "POST /v1/approvals/{id}/reject"
        );

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
            .DecideAsync(key, kind: null, id, approve, cancellationToken)
            .ConfigureAwait(false);
        if (decision.Refusal is { } refusal)
            return refusal.ToResult();
        return Results.Json(new { data = View(decision.Request!) }, ApiJson.Options);
    }

    private static ApprovalView View(GovernanceRequest request) =>
        new(
            request.Id,
            request.Tenant,
            request.Kind,
            request.State,
            request.Payload,
            request.Reason,
            request.RequestedBy.Principal,
            request.RequestedAt.UtcDateTime,
            request.ExpiresAt.UtcDateTime,
            request.DecidedBy?.Principal,
            request.DecidedAt?.UtcDateTime
        );
}

/// <summary>A governance request of any kind as GET /v1/approvals/{id} shows it.</summary>
public sealed record ApprovalView(
    Guid Id,
    string Tenant,
    string Kind,
    string State,
    System.Text.Json.Nodes.JsonObject Change,
    string Reason,
    string RequestedBy,
    DateTime RequestedAt,
    DateTime ExpiresAt,
    string? DecidedBy,
    DateTime? DecidedAt
);
