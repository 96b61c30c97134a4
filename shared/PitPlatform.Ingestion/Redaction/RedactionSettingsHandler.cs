using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Approvals;
using PitPlatform.Access.Http;

namespace PitPlatform.Ingestion.Redaction;

/// <summary>
/// /v1/admin/redaction: read and set the caller's tenant's redaction mode per detector (admin scope). Keeping text
/// unredacted (<c>{"store_raw": true}</c>, sent alone) is never applied here: it becomes a governance request that an
/// approver of the tenant with another principal approves (POST /v1/approvals/{id}/approve), which applies it.
/// </summary>
public sealed class RedactionSettingsHandler(
    RequestAuthentication authentication,
    NpgsqlDataSource database,
    TenantRedactionPolicies policies,
    IApprovalRequests approvals,
    ILogger<RedactionSettingsHandler> logger
)
{
    private static readonly string[] Detectors = ["email", "ssn", "phone", "card", "ip"];
    private static readonly string[] Modes = ["replace", "mask", "hash", "remove"];

    public Task<IResult> GetAsync(HttpRequest request, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            async () =>
            {
                var (admin, failure) = await authentication
                    .RequireAsync(request, ApiKeyScope.Admin, cancellationToken)
                    .ConfigureAwait(false);
                if (failure is not null)
                    return failure;
                return Results.Json(
                    new { data = await ReadAsync(admin!.Tenant, cancellationToken).ConfigureAwait(false) },
                    ApiJson.Options
                );
            },
            logger,
            "GET /v1/admin/redaction"
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
                    if (body.RootElement.ValueKind != JsonValueKind.Object)
                        return ApiErrors.BadRequest(
                            "ERR_INVALID_BODY",
                            "the body must be an object of detector modes",
                            new { pointer = "" }
                        );
                    var changes = new Dictionary<string, string>(StringComparer.Ordinal);
                    if (body.RootElement.TryGetProperty("store_raw", out var storeRaw))
                    {
                        if (storeRaw.ValueKind == JsonValueKind.True && body.RootElement.EnumerateObject().Count() == 1)
                        {
                            // Turning redaction off waits for a second person: record the request, change nothing.
                            var requested = await approvals
                                .RequestAsync(
                                    admin!,
                                    "redaction",
                                    new System.Text.Json.Nodes.JsonObject { ["store_raw"] = true },
                                    "keep text unredacted",
                                    cancellationToken
                                )
                                .ConfigureAwait(false);
                            logger.LogInformation(
                                "raw text storage for tenant {Tenant} requested by key {Admin}: approval {Id}",
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
                        if (storeRaw.ValueKind != JsonValueKind.False)
                            return ApiErrors.Error(
                                StatusCodes.Status403Forbidden,
                                "ERR_APPROVAL_REQUIRED",
                                "keeping text unredacted needs an approved governance request: send "
                                    + "{\"store_raw\": true} alone to request one",
                                new { pointer = "/store_raw" }
                            );
                    }
                    foreach (var member in body.RootElement.EnumerateObject())
                    {
                        if (member.Name == "store_raw")
                        {
                            // Turning redaction back on needs nobody's approval.
                            changes["store_raw"] = "false";
                            continue;
                        }
                        if (!Detectors.Contains(member.Name))
                            return ApiErrors.BadRequest(
                                "ERR_VALIDATION",
                                $"'{member.Name}' is not a detector; detectors are {string.Join(", ", Detectors)}",
                                new { pointer = "/" + member.Name }
                            );
                        var mode = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null;
                        if (mode is null || !Modes.Contains(mode))
                            return ApiErrors.BadRequest(
                                "ERR_VALIDATION",
                                $"a mode is one of {string.Join(", ", Modes)}",
                                new { pointer = "/" + member.Name }
                            );
                        changes[member.Name] = mode;
                    }
                    await SaveAsync(admin!.Tenant, changes, cancellationToken).ConfigureAwait(false);
                    policies.Forget(admin.Tenant);
                    logger.LogInformation(
                        "redaction modes of tenant {Tenant} set by key {Admin}: {Changes}",
                        admin.Tenant,
                        admin.KeyPrefix,
                        changes
                    );
                    return Results.Json(
                        new { data = await ReadAsync(admin.Tenant, cancellationToken).ConfigureAwait(false) },
                        ApiJson.Options
                    );
                }
            },
            logger,
            "PUT /v1/admin/redaction"
        );

    private async Task SaveAsync(string tenant, Dictionary<string, string> changes, CancellationToken cancellationToken)
    {
        // Column names come from the fixed detector list above, never from the request.
        var columns = Detectors.Append("store_raw").Where(changes.ContainsKey).ToList();
        var sets = string.Join(", ", columns.Select((c, i) => $"{c} = ${i + 2}").Append("updated_at = now()"));
        var insertColumns = string.Join(", ", columns.Prepend("tenant"));
        var insertValues = string.Join(", ", Enumerable.Range(1, columns.Count + 1).Select(i => $"${i}"));
        await using var command = database.CreateCommand(
            $"INSERT INTO tenant_redaction ({insertColumns}) VALUES ({insertValues}) ON CONFLICT (tenant) DO "
                + $"UPDATE SET {sets}"
        );
        command.Parameters.Add(new() { Value = tenant });
        foreach (var column in columns)
            command.Parameters.Add(column == "store_raw" ? new() { Value = false } : new() { Value = changes[column] });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<RedactionSettings> ReadAsync(string tenant, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT email, ssn, phone, card, ip, store_raw FROM tenant_redaction WHERE tenant = $1"
        );
        command.Parameters.Add(new() { Value = tenant });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new RedactionSettings(
                tenant,
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetBoolean(5)
            )
            : new RedactionSettings(tenant, "replace", "replace", "replace", "replace", "replace", false);
    }

    private sealed record RedactionSettings(
        string Tenant,
        string Email,
        string Ssn,
        string Phone,
        string Card,
        string Ip,
        bool StoreRaw
    );
}
