using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;
using PitPlatform.Contracts.Schema;

namespace PitPlatform.Access.Admin;

/// <summary>
/// /v1/admin/keys: create, list and revoke the API keys of the caller's tenant (admin scope). A created key's text
/// is returned once and never stored; revocation reaches this instance at once and the others within
/// <see cref="ApiKeyAuthenticator.CacheDuration"/>. With an <see cref="IKeyChangeAudit"/> (the platform registers
/// one), each creation and revocation commits with its audit entry naming who made it, key or person.
/// </summary>
public sealed class ApiKeyAdminHandler(
    RequestAuthentication authentication,
    ApiKeyStore store,
    ApiKeyAuthenticator authenticator,
    ILogger<ApiKeyAdminHandler> logger,
    NpgsqlDataSource? dataSource = null,
    IKeyChangeAudit? audit = null
)
{
    public Task<IResult> CreateAsync(HttpRequest request, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            async () =>
            {
                var (admin, failure) = await authentication
                    .RequireAsync(request, ApiKeyScope.Admin, cancellationToken)
                    .ConfigureAwait(false);
                if (failure is not null)
                    return failure;
                var (document, malformed) = await JsonRequestBody
                    .ParseAsync(request, cancellationToken)
                    .ConfigureAwait(false);
                if (document is null)
                    return malformed!;
                CreateKeyRequest? body;
                int? rate,
                    burst;
                using (document)
                {
                    // Numbers are read here, not by the serializer: one beyond 32 bits is out of range, not malformed
                    // JSON.
                    if (
                        !TryOptionalWhole(document.RootElement, "rate_per_second", out rate)
                        || rate is < 1 or > 1_000_000
                    )
                        return ApiErrors.BadRequest(
                            "ERR_VALIDATION",
                            "rate_per_second must be a whole number from 1 to 1000000",
                            new { pointer = "/rate_per_second" }
                        );
                    if (!TryOptionalWhole(document.RootElement, "burst", out burst) || burst is < 1 or > 10_000_000)
                        return ApiErrors.BadRequest(
                            "ERR_VALIDATION",
                            "burst must be a whole number from 1 to 10000000",
                            new { pointer = "/burst" }
                        );
                    try
                    {
                        body = document.Deserialize<CreateKeyRequest>(ApiJson.Options);
                    }
                    catch (JsonException)
                    {
                        return ApiErrors.BadRequest(
                            "ERR_MALFORMED_JSON",
                            "the body must be {\"scopes\":[...],\"name\":\"...\"}"
                        );
                    }
                }
                if (body?.Scopes is not { Count: > 0 } scopes || scopes.Any(s => !ApiKeyScope.All.Contains(s)))
                    return ApiErrors.BadRequest(
                        "ERR_VALIDATION",
                        $"scopes must name at least one of {string.Join(", ", ApiKeyScope.All)}",
                        new { pointer = "/scopes" }
                    );
                if (body.Name is not { Length: > 0 and <= 128 })
                    return ApiErrors.BadRequest(
                        "ERR_VALIDATION",
                        "name must be 1 to 128 characters",
                        new { pointer = "/name" }
                    );
                if (
                    body.Principal is not null
                    && (body.Principal.Length is 0 or > 256 || body.Principal.Any(char.IsControl))
                )
                    return ApiErrors.BadRequest(
                        "ERR_VALIDATION",
                        "principal must be 1 to 256 characters without control characters",
                        new { pointer = "/principal" }
                    );

                // A key a person makes is theirs: it carries their principal, so their key and their token are one
                // approver.
                if (admin!.Person is not null && body.Principal is not null && body.Principal != admin.Principal)
                    return ApiErrors.BadRequest(
                        "ERR_VALIDATION",
                        "a person's keys are held by that person: leave principal out",
                        new { pointer = "/principal" }
                    );
                // Only a signed-in person's keys carry a person's principal: a key cannot pass for a person.
                if (
                    admin.Person is null
                    && body.Principal?.StartsWith(People.PersonIdentity.PrincipalPrefix, StringComparison.Ordinal)
                        is true
                )
                    return ApiErrors.BadRequest(
                        "ERR_VALIDATION",
                        $"a principal starting with {People.PersonIdentity.PrincipalPrefix} names a person: "
                            + "only that person, signed in, makes such keys",
                        new { pointer = "/principal" }
                    );
                var holder = admin.Person is not null ? admin.Principal : body.Principal;
                ApiKeyText key;
                if (audit is null || dataSource is null)
                    key = await store
                        .CreateAsync(admin.Tenant, scopes, body.Name, holder, rate, burst, cancellationToken)
                        .ConfigureAwait(false);
                else
                {
                    await using var connection = await dataSource
                        .OpenConnectionAsync(cancellationToken)
                        .ConfigureAwait(false);
                    await using var transaction = await connection
                        .BeginTransactionAsync(cancellationToken)
                        .ConfigureAwait(false);
                    key = await store
                        .CreateAsync(
                            connection,
                            transaction,
                            admin.Tenant,
                            scopes,
                            body.Name,
                            holder,
                            rate,
                            burst,
                            cancellationToken
                        )
                        .ConfigureAwait(false);
                    var change = new KeyChange(
                        KeyChange.Created,
                        key.Prefix,
                        [.. scopes],
                        body.Name,
                        holder ?? key.Prefix
                    );
                    await audit
                        .RecordAsync(connection, transaction, admin, change, cancellationToken)
                        .ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
                logger.LogInformation(
                    "key {Prefix} created for tenant {Tenant} by key {Admin} with scopes {Scopes}",
                    key.Prefix,
                    admin.Tenant,
                    admin.KeyPrefix,
                    scopes
                );
                var created = new CreatedKey(
                    key.ToString(),
                    key.Prefix,
                    admin.Tenant,
                    scopes,
                    body.Name,
                    holder ?? key.Prefix,
                    DateTimeOffset.UtcNow,
                    rate,
                    burst
                );
                return Results.Json(new { data = created }, ApiJson.Options, statusCode: StatusCodes.Status201Created);
            },
            logger,
            "POST /v1/admin/keys"
        );

    public Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            async () =>
            {
                var (admin, failure) = await authentication
                    .RequireAsync(request, ApiKeyScope.Admin, cancellationToken)
                    .ConfigureAwait(false);
                if (failure is not null)
                    return failure;
                var keys = await store.ListAsync(admin!.Tenant, cancellationToken).ConfigureAwait(false);
                return Results.Json(new { data = keys }, ApiJson.Options);
            },
            logger,
            "GET /v1/admin/keys"
        );

    public Task<IResult> RevokeAsync(HttpRequest request, string prefix, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            async () =>
            {
                var (admin, failure) = await authentication
                    .RequireAsync(request, ApiKeyScope.Admin, cancellationToken)
                    .ConfigureAwait(false);
                if (failure is not null)
                    return failure;
                var caller = admin!;
                if (StorableText.Check(prefix, nulAllowed: false) is not TextFault.None and var fault)
                    return ApiErrors.BadRequest(
                        JsonRequestBody.InvalidString,
                        $"the prefix {TextFinding.Describe(fault)}",
                        new { parameter = "prefix" }
                    );
                // Another tenant's key and an unknown key look the same: 404. Text that is no key's prefix never
                // reaches the store.
                if (
                    !ApiKeyText.IsPrefix(prefix)
                    || !await RevokeAsync(caller, prefix, cancellationToken).ConfigureAwait(false)
                )
                    return ApiErrors.Error(
                        StatusCodes.Status404NotFound,
                        "ERR_NOT_FOUND",
                        "no active key of this tenant has that prefix"
                    );
                authenticator.Forget(prefix);
                logger.LogInformation(
                    "key {Prefix} of tenant {Tenant} revoked by key {Admin}",
                    prefix,
                    caller.Tenant,
                    caller.KeyPrefix
                );
                return Results.NoContent();
            },
            logger,
            "DELETE /v1/admin/keys/{prefix}"
        );

    private async Task<bool> RevokeAsync(ApiKeyPrincipal caller, string prefix, CancellationToken cancellationToken)
    {
        if (audit is null || dataSource is null)
            return await store.RevokeAsync(caller.Tenant, prefix, cancellationToken).ConfigureAwait(false);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (
            !await store
                .RevokeAsync(connection, transaction, caller.Tenant, prefix, cancellationToken)
                .ConfigureAwait(false)
        )
            return false;
        await audit
            .RecordAsync(connection, transaction, caller, new KeyChange(KeyChange.Revoked, prefix), cancellationToken)
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// An optional whole number: true with null when absent or null, false when of another type or beyond 32 bits.
    /// </summary>
    private static bool TryOptionalWhole(JsonElement body, string name, out int? value)
    {
        value = null;
        if (
            body.ValueKind != JsonValueKind.Object
            || !body.TryGetProperty(name, out var member)
            || member.ValueKind == JsonValueKind.Null
        )
            return true;
        if (member.ValueKind != JsonValueKind.Number || !member.TryGetInt32(out var whole))
            return false;
        value = whole;
        return true;
    }

    /// <summary>
    /// The members the serializer reads; rate_per_second and burst are read by <see cref="TryOptionalWhole"/>.
    /// </summary>
    private sealed record CreateKeyRequest(List<string>? Scopes, string? Name, string? Principal);

    private sealed record CreatedKey(
        string Key,
        string Prefix,
        string Tenant,
        IReadOnlyList<string> Scopes,
        string Name,
        string Principal,
        DateTimeOffset CreatedAt,
        int? RatePerSecond,
        int? Burst
    );
}
