using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;

namespace PitPlatform.Access.Admin;

/// <summary>
/// /v1/admin/keys: create, list and revoke the API keys of the caller's tenant (admin scope). A created key's text
/// is returned once and never stored; revocation reaches this instance at once and the others within
/// <see cref="ApiKeyAuthenticator.CacheDuration"/>.
/// </summary>
public sealed class ApiKeyAdminHandler(RequestAuthentication authentication, ApiKeyStore store, ApiKeyAuthenticator authenticator, ILogger<ApiKeyAdminHandler> logger)
{
    public Task<IResult> CreateAsync(HttpRequest request, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(async () =>
        {
            var (admin, failure) = await authentication.RequireAsync(request, ApiKeyScope.Admin, cancellationToken).ConfigureAwait(false);
            if (failure is not null) return failure;
            CreateKeyRequest? body;
            try
            {
                body = await JsonSerializer.DeserializeAsync<CreateKeyRequest>(RequestBodyLimit.Bounded(request), ApiJson.Options, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                return ApiErrors.BadRequest("ERR_MALFORMED_JSON", "the body must be {\"scopes\":[...],\"name\":\"...\"}");
            }
            if (body?.Scopes is not { Count: > 0 } scopes || scopes.Any(s => !ApiKeyScope.All.Contains(s)))
                return ApiErrors.BadRequest("ERR_VALIDATION", $"scopes must name at least one of {string.Join(", ", ApiKeyScope.All)}", new { pointer = "/scopes" });
            if (body.Name is not { Length: > 0 and <= 128 })
                return ApiErrors.BadRequest("ERR_VALIDATION", "name must be 1 to 128 characters", new { pointer = "/name" });
            if (body.Principal is not null && (body.Principal.Length is 0 or > 256 || body.Principal.Any(char.IsControl)))
                return ApiErrors.BadRequest("ERR_VALIDATION", "principal must be 1 to 256 characters without control characters", new { pointer = "/principal" });
            if (body.RatePerSecond is < 1 or > 1_000_000 || body.Burst is < 1 or > 10_000_000)
                return ApiErrors.BadRequest("ERR_VALIDATION", "rate_per_second and burst must be positive", new { pointer = body.RatePerSecond is < 1 or > 1_000_000 ? "/rate_per_second" : "/burst" });

            var key = await store.CreateAsync(admin!.Tenant, scopes, body.Name, body.Principal, body.RatePerSecond, body.Burst, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("key {Prefix} created for tenant {Tenant} by key {Admin} with scopes {Scopes}", key.Prefix, admin.Tenant, admin.KeyPrefix, scopes);
            var created = new CreatedKey(key.ToString(), key.Prefix, admin.Tenant, scopes, body.Name, body.Principal ?? key.Prefix, DateTimeOffset.UtcNow, body.RatePerSecond, body.Burst);
            return Results.Json(new { data = created }, ApiJson.Options, statusCode: StatusCodes.Status201Created);
        }, logger, "POST /v1/admin/keys");

    public Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(async () =>
        {
            var (admin, failure) = await authentication.RequireAsync(request, ApiKeyScope.Admin, cancellationToken).ConfigureAwait(false);
            if (failure is not null) return failure;
            var keys = await store.ListAsync(admin!.Tenant, cancellationToken).ConfigureAwait(false);
            return Results.Json(new { data = keys }, ApiJson.Options);
        }, logger, "GET /v1/admin/keys");

    public Task<IResult> RevokeAsync(HttpRequest request, string prefix, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(async () =>
        {
            var (admin, failure) = await authentication.RequireAsync(request, ApiKeyScope.Admin, cancellationToken).ConfigureAwait(false);
            if (failure is not null) return failure;
            // Another tenant's key and an unknown key look the same: 404.
            if (!await store.RevokeAsync(admin!.Tenant, prefix, cancellationToken).ConfigureAwait(false))
                return ApiErrors.Error(StatusCodes.Status404NotFound, "ERR_NOT_FOUND", "no active key of this tenant has that prefix");
            authenticator.Forget(prefix);
            logger.LogInformation("key {Prefix} of tenant {Tenant} revoked by key {Admin}", prefix, admin.Tenant, admin.KeyPrefix);
            return Results.NoContent();
        }, logger, "DELETE /v1/admin/keys/{prefix}");

    private sealed record CreateKeyRequest(List<string>? Scopes, string? Name, string? Principal, int? RatePerSecond, int? Burst);

    private sealed record CreatedKey(string Key, string Prefix, string Tenant, IReadOnlyList<string> Scopes, string Name, string Principal,
        DateTimeOffset CreatedAt, int? RatePerSecond, int? Burst);
}
