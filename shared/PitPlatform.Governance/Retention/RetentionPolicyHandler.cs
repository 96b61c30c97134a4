using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Approvals;
using PitPlatform.Access.Http;

namespace PitPlatform.Governance.Retention;

/// <summary>
/// /v1/admin/retention: read and set the caller's tenant's retention (admin scope), as <c>{"days": N}</c> or
/// <c>{"tier": "name"}</c>. A length within the configured bounds applies at once, with an audit entry; outside them
/// it becomes a governance request (202 with its approval id and a Location of /v1/approvals/{id}) that an approver of
/// the tenant with another principal approves, which applies it (<see cref="RetentionApprovalKind"/>). A length beyond
/// the tenant's plan (<see cref="Access.Tenants.TenantPlans"/>) is refused outright with ERR_RETENTION_BEYOND_PLAN.
/// </summary>
public sealed class RetentionPolicyHandler(
    RequestAuthentication authentication,
    RetentionPolicyStore store,
    RetentionPolicyAudit audit,
    IApprovalRequests approvals,
    ILogger<RetentionPolicyHandler> logger
)
{
    public Task<IResult> GetAsync(HttpRequest request, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            async () =>
            {
                var (admin, failure) = await authentication
                    .RequireAsync(request, ApiKeyScope.Admin, cancellationToken)
                    .ConfigureAwait(false);
                if (failure is not null)
                    return failure;
                var policy = await store.GetAsync(admin!.Tenant, cancellationToken).ConfigureAwait(false);
                return Results.Json(new { data = View(policy) }, ApiJson.Options);
            },
            logger,
            "GET /v1/admin/retention"
        );

    public Task<IResult> PutAsync(HttpRequest request, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            async () =>
            {
                var (admin, failure) = await authentication
                    .RequireAsync(request, ApiKeyScope.Admin, cancellationToken)
                    .ConfigureAwait(false);
                if (failure is not null)
                    return failure;
                var (body, malformed) = await JsonRequestBody
                    .ParseAsync(request, cancellationToken)
                    .ConfigureAwait(false);
                if (body is null)
                    return malformed!;
                using (body)
                {
                    var (days, tier, refusal) = Read(body.RootElement);
                    if (refusal is not null)
                        return refusal;
                    // The plan is a hard ceiling: no approval lifts it, only a change of plan by an operator.
                    if (days > admin!.Plan.MaxRetentionDays)
                        return ApiErrors.Error(
                            StatusCodes.Status403Forbidden,
                            "ERR_RETENTION_BEYOND_PLAN",
                            $"the {admin.Plan.Name} plan keeps data at most {admin.Plan.MaxRetentionDays} days",
                            new
                            {
                                plan = admin.Plan.Name,
                                max_days = admin.Plan.MaxRetentionDays,
                                requested_days = days,
                            }
                        );
                    var settings = store.Settings;
                    if (!store.IsWithinBounds(days))
                    {
                        // Outside the bounds the change waits for a second person: record the request, change nothing.
                        var requested = await approvals
                            .RequestAsync(
                                admin!,
                                RetentionApprovalKind.Name,
                                new JsonObject { ["days"] = days, ["tier"] = tier },
                                $"retention of {days} days, outside {settings.MinDays}..{settings.MaxDays} days",
                                cancellationToken
                            )
                            .ConfigureAwait(false);
                        logger.LogInformation(
                            "retention of {Days} days for tenant {Tenant} requested by key {Admin}: approval {Id}",
                            days,
                            admin!.Tenant,
                            admin.KeyPrefix,
                            requested.Id
                        );
                        return new ResultWithHeaders(
                            Results.Json(
                                new
                                {
                                    data = new
                                    {
                                        approval_id = requested.Id,
                                        requested.Kind,
                                        requested.State,
                                        requested.ExpiresAt,
                                    },
                                },
                                ApiJson.Options,
                                statusCode: StatusCodes.Status202Accepted
                            ),
                            [KeyValuePair.Create("Location", $"/v1/approvals/{requested.Id:D}")]
                        );
                    }
                    var before = await store.GetAsync(admin!.Tenant, cancellationToken).ConfigureAwait(false);
                    var policy = await audit
                        .SetAsync(admin, before, days, tier, cancellationToken)
                        .ConfigureAwait(false);
                    logger.LogInformation(
                        "retention of tenant {Tenant} set to {Days} days by key {Admin}",
                        admin.Tenant,
                        days,
                        admin.KeyPrefix
                    );
                    return Results.Json(new { data = View(policy) }, ApiJson.Options);
                }
            },
            logger,
            "PUT /v1/admin/retention"
        );

    private (int Days, string? Tier, IResult? Refusal) Read(JsonElement root)
    {
        const string shape = "the body must be {\"days\": N} or {\"tier\": \"name\"}";
        if (root.ValueKind != JsonValueKind.Object)
            return (0, null, ApiErrors.BadRequest("ERR_INVALID_BODY", shape, new { pointer = "" }));
        int? days = null;
        string? tier = null;
        foreach (var member in root.EnumerateObject())
        {
            switch (member.Name)
            {
                case "days":
                    if (member.Value.ValueKind != JsonValueKind.Number || !member.Value.TryGetInt32(out var d) || d < 1)
                        return (
                            0,
                            null,
                            ApiErrors.BadRequest(
                                "ERR_VALIDATION",
                                "days must be a positive whole number",
                                new { pointer = "/days" }
                            )
                        );
                    days = d;
                    break;
                case "tier":
                    var name = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null;
                    if (name is null || store.Settings.FindTier(name) is not { } found)
                        return (
                            0,
                            null,
                            ApiErrors.BadRequest(
                                "ERR_VALIDATION",
                                $"tier must be one of {string.Join(", ", store.Settings.Tiers.Select(t => t.Name))}",
                                new { pointer = "/tier" }
                            )
                        );
                    tier = found.Name;
                    break;
                default:
                    return (
                        0,
                        null,
                        ApiErrors.BadRequest(
                            "ERR_VALIDATION",
                            $"'{member.Name}' is not a retention field; {shape}",
                            new { pointer = "/" + member.Name }
                        )
                    );
            }
        }
        if (days is null == tier is null)
            return (0, null, ApiErrors.BadRequest("ERR_INVALID_BODY", shape, new { pointer = "" }));
        return (days ?? store.Settings.FindTier(tier!)!.Days, tier, null);
    }

    private object View(RetentionPolicy policy) =>
        new
        {
            tenant = policy.Tenant,
            days = policy.Days,
            tier = policy.Tier,
            @default = policy.IsDefault,
            updated_by = policy.UpdatedBy,
            updated_at = policy.UpdatedAt,
            bounds = new { min_days = store.Settings.MinDays, max_days = store.Settings.MaxDays },
            tiers = store.Settings.Tiers.Select(t => new { name = t.Name, days = t.Days }),
        };
}
