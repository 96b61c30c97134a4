using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;
using PitPlatform.Access.People;
using PitPlatform.Governance.Audit;

namespace PitPlatform.Governance.People;

/// <summary>
/// /v1/members: the people of the caller's tenant (admin scope): list, add or change a role (<c>{"subject", "role",
/// "issuer"?, "name"?, "email"?}</c>; the issuer defaults to the configured provider's), and remove. Every change
/// commits with its audit entry (<c>member.added</c>, <c>member.removed</c>) naming the person's subject, name and
/// e-mail; a removed member is refused on their next request (memberships are never cached). The keys a person made
/// follow their membership in the same transaction: a removal revokes them all, a new role those holding a scope it
/// could not grant (<see cref="MemberRole.KeyScopes"/>; <c>revoked_keys</c> in the entry), at once on this instance
/// and within the key cache on the others.
/// </summary>
public sealed class MembersHandler(
    RequestAuthentication authentication,
    MembershipStore store,
    ApiKeyStore keys,
    ApiKeyAuthenticator authenticator,
    NpgsqlDataSource dataSource,
    AuditTrail audit,
    ILogger<MembersHandler> logger,
    IdentitySettings? identity = null
)
{
    public Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            async () =>
            {
                var (admin, failure) = await authentication
                    .RequireAsync(request, ApiKeyScope.Admin, cancellationToken)
                    .ConfigureAwait(false);
                if (admin is null)
                    return failure!;
                var members = await store.OfTenantAsync(admin.Tenant, cancellationToken).ConfigureAwait(false);
                return Results.Json(new { data = members.Select(View) }, ApiJson.Options);
            },
            logger,
            "GET /v1/members"
        );

    public Task<IResult> AddAsync(HttpRequest request, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            async () =>
            {
                var (admin, failure) = await authentication
                    .RequireAsync(request, ApiKeyScope.Admin, cancellationToken)
                    .ConfigureAwait(false);
                if (admin is null)
                    return failure!;
                var (body, malformed) = await JsonRequestBody
                    .ParseAsync(request, cancellationToken)
                    .ConfigureAwait(false);
                if (body is null)
                    return malformed!;
                Membership membership;
                using (body)
                {
                    var root = body.RootElement;
                    if (root.ValueKind != JsonValueKind.Object)
                        return Invalid("the body must be {\"subject\":\"...\",\"role\":\"viewer|admin|approver\"}", "");
                    var subject = Text(root, "subject");
                    var role = Text(root, "role");
                    var issuer = Text(root, "issuer") ?? identity?.Issuer;
                    if (subject is not { Length: > 0 and <= 256 } || subject.Any(char.IsControl))
                        return Invalid("subject must be 1 to 256 characters", "/subject");
                    if (role is null || !MemberRole.All.Contains(role))
                        return Invalid($"role must be one of {string.Join(", ", MemberRole.All)}", "/role");
                    if (issuer is not { Length: > 0 and <= 512 } || !Uri.TryCreate(issuer, UriKind.Absolute, out _))
                        return Invalid(
                            "issuer must be the provider's issuer URL (it defaults to the configured provider's)",
                            "/issuer"
                        );
                    var name = Text(root, "name");
                    var email = Text(root, "email");
                    if (name is { Length: > 200 } || email is { Length: > 320 })
                        return Invalid("name and email must be at most 200 and 320 characters", "/name");
                    membership = new Membership(
                        issuer,
                        subject,
                        admin.Tenant,
                        role,
                        name,
                        email,
                        DateTimeOffset.UtcNow,
                        admin.Principal
                    );
                }
                // A person cannot change their own role: an admin promoting or demoting themselves needs another admin.
                // Compared by principal, so a key the person made is refused like their token.
                var principal = PersonIdentity.PrincipalOf(membership.Subject);
                if (admin.Principal == principal)
                    return ApiErrors.Error(
                        StatusCodes.Status403Forbidden,
                        "ERR_FORBIDDEN",
                        "a person cannot change their own membership",
                        new { scope = ApiKeyScope.Admin }
                    );
                IReadOnlyList<string> revoked;
                await using (
                    var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false)
                )
                await using (
                    var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false)
                )
                {
                    await store
                        .UpsertAsync(connection, transaction, membership, cancellationToken)
                        .ConfigureAwait(false);
                    revoked = await keys.RevokeBeyondAsync(
                            connection,
                            transaction,
                            admin.Tenant,
                            principal,
                            [.. MemberRole.KeyScopes(membership.Role)],
                            cancellationToken
                        )
                        .ConfigureAwait(false);
                    await audit
                        .AppendAsync(
                            connection,
                            transaction,
                            new AuditRecord(
                                admin.Tenant,
                                AuditActor.ForKey(admin),
                                "member.added",
                                $"member/{membership.Subject}",
                                new JsonObject
                                {
                                    ["issuer"] = membership.Issuer,
                                    ["subject"] = membership.Subject,
                                    ["role"] = membership.Role,
                                    ["name"] = membership.Name,
                                    ["email"] = membership.Email,
                                    ["revoked_keys"] = Prefixes(revoked),
                                }
                            ),
                            cancellationToken
                        )
                        .ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
                Forget(revoked);
                logger.LogInformation(
                    "member {Subject} of tenant {Tenant} is {Role} ({Principal})",
                    membership.Subject,
                    admin.Tenant,
                    membership.Role,
                    admin.Principal
                );
                return Results.Json(
                    new { data = View(membership) },
                    ApiJson.Options,
                    statusCode: StatusCodes.Status201Created
                );
            },
            logger,
            "POST /v1/members"
        );

    public Task<IResult> RemoveAsync(HttpRequest request, string subject, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            async () =>
            {
                var (admin, failure) = await authentication
                    .RequireAsync(request, ApiKeyScope.Admin, cancellationToken)
                    .ConfigureAwait(false);
                if (admin is null)
                    return failure!;
                if (
                    Contracts.Schema.StorableText.Check(subject, nulAllowed: false)
                    is not Contracts.Schema.TextFault.None
                        and var fault
                )
                    return ApiErrors.BadRequest(
                        JsonRequestBody.InvalidString,
                        $"the subject {Contracts.Schema.TextFinding.Describe(fault)}",
                        new { parameter = "subject" }
                    );
                int removed;
                IReadOnlyList<string> revoked;
                await using (
                    var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false)
                )
                await using (
                    var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false)
                )
                {
                    removed = await store
                        .DeleteAsync(connection, transaction, admin.Tenant, subject, cancellationToken)
                        .ConfigureAwait(false);
                    if (removed == 0)
                        return ApiErrors.Error(
                            StatusCodes.Status404NotFound,
                            "ERR_NOT_FOUND",
                            "no member of this tenant has that subject"
                        );
                    revoked = await keys.RevokeBeyondAsync(
                            connection,
                            transaction,
                            admin.Tenant,
                            PersonIdentity.PrincipalOf(subject),
                            [],
                            cancellationToken
                        )
                        .ConfigureAwait(false);
                    await audit
                        .AppendAsync(
                            connection,
                            transaction,
                            new AuditRecord(
                                admin.Tenant,
                                AuditActor.ForKey(admin),
                                "member.removed",
                                $"member/{subject}",
                                new JsonObject { ["subject"] = subject, ["revoked_keys"] = Prefixes(revoked) }
                            ),
                            cancellationToken
                        )
                        .ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
                Forget(revoked);
                logger.LogInformation(
                    "member {Subject} removed from tenant {Tenant} ({Principal})",
                    subject,
                    admin.Tenant,
                    admin.Principal
                );
                return Results.NoContent();
            },
            logger,
            "DELETE /v1/members/{subject}"
        );

    private void Forget(IReadOnlyList<string> prefixes)
    {
        foreach (var prefix in prefixes)
            authenticator.Forget(prefix);
    }

    private static JsonArray Prefixes(IReadOnlyList<string> prefixes) =>
        [.. prefixes.Select(p => (JsonNode)JsonValue.Create(p))];

    private static object View(Membership m) =>
        new
        {
            issuer = m.Issuer,
            subject = m.Subject,
            tenant = m.Tenant,
            role = m.Role,
            name = m.Name,
            email = m.Email,
            created_at = m.CreatedAt.UtcDateTime,
            created_by = m.CreatedBy,
        };

    private static IResult Invalid(string message, string pointer) =>
        ApiErrors.BadRequest("ERR_VALIDATION", message, new { pointer });

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
