using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;
using PitPlatform.Access.RateLimiting;
using PitPlatform.Access.Tenants;

namespace PitPlatform.Governance.Tenants;

/// <summary>
/// /v1/tenants (operator scope only): create a tenant with its first admin key (shown once), list, read, change the
/// display name or plan, suspend and resume. A suspended tenant's keys get 403 ERR_TENANT_SUSPENDED on every route
/// (<see cref="RequestAuthentication"/>); its data stays, and resuming restores access.
/// </summary>
public sealed class TenantHandler(
    RequestAuthentication authentication,
    TenantStore store,
    TenantLifecycle lifecycle,
    RateLimitOptions rates,
    ILogger<TenantHandler> logger
)
{
    public Task<IResult> CreateAsync(HttpRequest request, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            async () =>
            {
                var (operatorKey, failure) = await authentication
                    .RequireAsync(request, ApiKeyScope.Operator, cancellationToken)
                    .ConfigureAwait(false);
                if (operatorKey is null)
                    return failure!;
                var (fields, refused) = await ReadFieldsAsync(request, idAllowed: true, cancellationToken)
                    .ConfigureAwait(false);
                if (fields is null)
                    return refused!;
                if (fields.Id is null)
                    return Missing("id");
                if (fields.DisplayName is null)
                    return Missing("display_name");
                if (fields.Plan is null)
                    return Missing("plan");
                var created = await lifecycle
                    .CreateAsync(operatorKey, fields.Id, fields.DisplayName, fields.Plan, cancellationToken)
                    .ConfigureAwait(false);
                if (created is not var (tenant, key))
                    return ApiErrors.Error(
                        StatusCodes.Status409Conflict,
                        "ERR_TENANT_EXISTS",
                        "a tenant with this id exists",
                        new { id = fields.Id }
                    );
                logger.LogInformation(
                    "tenant {Tenant} created on plan {Plan} by {Principal}, first admin key {Prefix}",
                    tenant.Id,
                    tenant.Plan,
                    operatorKey.Principal,
                    key.Prefix
                );
                var view = TenantView.Of(tenant, rates);
                return new ResultWithHeaders(
                    Results.Json(
                        new
                        {
                            data = new CreatedTenant(
                                view,
                                new FirstKey(key.ToString(), key.Prefix, TenantLifecycle.FirstKeyScopes)
                            ),
                        },
                        ApiJson.Options,
                        statusCode: StatusCodes.Status201Created
                    ),
                    [KeyValuePair.Create("Location", $"/v1/tenants/{tenant.Id}")]
                );
            },
            logger,
            "POST /v1/tenants"
        );

    public Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            async () =>
            {
                var (operatorKey, failure) = await authentication
                    .RequireAsync(request, ApiKeyScope.Operator, cancellationToken)
                    .ConfigureAwait(false);
                if (operatorKey is null)
                    return failure!;
                var tenants = await store.ListAsync(cancellationToken).ConfigureAwait(false);
                return Results.Json(new { data = tenants.Select(t => TenantView.Of(t, rates)) }, ApiJson.Options);
            },
            logger,
            "GET /v1/tenants"
        );

    public Task<IResult> GetAsync(HttpRequest request, string id, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            async () =>
            {
                var (operatorKey, failure) = await authentication
                    .RequireAsync(request, ApiKeyScope.Operator, cancellationToken)
                    .ConfigureAwait(false);
                if (operatorKey is null)
                    return failure!;
                var tenant = await store.FindAsync(id, cancellationToken).ConfigureAwait(false);
                return tenant is null
                    ? NotFound()
                    : Results.Json(new { data = TenantView.Of(tenant, rates) }, ApiJson.Options);
            },
            logger,
            "GET /v1/tenants/{id}"
        );

    public Task<IResult> UpdateAsync(HttpRequest request, string id, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            async () =>
            {
                var (operatorKey, failure) = await authentication
                    .RequireAsync(request, ApiKeyScope.Operator, cancellationToken)
                    .ConfigureAwait(false);
                if (operatorKey is null)
                    return failure!;
                var (fields, refused) = await ReadFieldsAsync(request, idAllowed: false, cancellationToken)
                    .ConfigureAwait(false);
                if (fields is null)
                    return refused!;
                if (fields.DisplayName is null && fields.Plan is null)
                    return ApiErrors.BadRequest(
                        "ERR_VALIDATION",
                        "name display_name, plan or both",
                        new { pointer = "" }
                    );
                var tenant = await lifecycle
                    .UpdateAsync(operatorKey, id, fields.DisplayName, fields.Plan, cancellationToken)
                    .ConfigureAwait(false);
                if (tenant is null)
                    return NotFound();
                logger.LogInformation(
                    "tenant {Tenant} updated by {Principal}: plan {Plan}",
                    id,
                    operatorKey.Principal,
                    tenant.Plan
                );
                return Results.Json(new { data = TenantView.Of(tenant, rates) }, ApiJson.Options);
            },
            logger,
            "PATCH /v1/tenants/{id}"
        );

    public Task<IResult> SuspendAsync(HttpRequest request, string id, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            () => SetStatusAsync(request, id, TenantStatus.Suspended, cancellationToken),
            logger,
            "POST /v1/tenants/{id}/suspend"
        );

    public Task<IResult> ResumeAsync(HttpRequest request, string id, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            () => SetStatusAsync(request, id, TenantStatus.Active, cancellationToken),
            logger,
            "POST /v1/tenants/{id}/resume"
        );

    private async Task<IResult> SetStatusAsync(
        HttpRequest request,
        string id,
        string status,
        CancellationToken cancellationToken
    )
    {
        var (operatorKey, failure) = await authentication
            .RequireAsync(request, ApiKeyScope.Operator, cancellationToken)
            .ConfigureAwait(false);
        if (operatorKey is null)
            return failure!;
        var tenant = await lifecycle.SetStatusAsync(operatorKey, id, status, cancellationToken).ConfigureAwait(false);
        if (tenant is null)
            return NotFound();
        logger.LogInformation("tenant {Tenant} is {Status} ({Principal})", id, status, operatorKey.Principal);
        return Results.Json(new { data = TenantView.Of(tenant, rates) }, ApiJson.Options);
    }

    private static IResult NotFound() =>
        ApiErrors.Error(StatusCodes.Status404NotFound, "ERR_NOT_FOUND", "no tenant has that id");

    private static IResult Missing(string member) =>
        ApiErrors.BadRequest("ERR_VALIDATION", $"{member} is required", new { pointer = "/" + member });

    private sealed record CreatedTenant(TenantView Tenant, FirstKey AdminKey);

    /// <summary>The first key's text: in this answer only, never stored or shown again.</summary>
    private sealed record FirstKey(string Key, string Prefix, IReadOnlyList<string> Scopes);

    /// <summary>The request body's tenant fields, or the refusal of a malformed body or field.</summary>
    private static async Task<(TenantFields? Fields, IResult? Refusal)> ReadFieldsAsync(
        HttpRequest request,
        bool idAllowed,
        CancellationToken cancellationToken
    )
    {
        var (body, malformed) = await JsonRequestBody.ParseAsync(request, cancellationToken).ConfigureAwait(false);
        if (body is null)
            return (null, malformed!);
        using (body)
            return TenantFields.Read(body.RootElement, idAllowed);
    }
}
