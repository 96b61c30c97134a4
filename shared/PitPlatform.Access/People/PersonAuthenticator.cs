using Microsoft.AspNetCore.Http;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;
using PitPlatform.Access.Tenants;

namespace PitPlatform.Access.People;

/// <summary>
/// Turns a validated access token into the caller: the person acts in the tenant named by the <c>Pit-Tenant</c> header
/// (or their only tenant) with the scopes of their role there, read from Postgres on every request; an operator (the
/// configured app role) without a tenant named acts as an operator. A person who is not a member of the tenant is
/// refused (403 ERR_NOT_A_MEMBER), whatever the token says.
/// </summary>
public class PersonAuthenticator(AccessTokenValidator validator, MembershipStore memberships)
{
    public const string TenantHeader = "Pit-Tenant";

    public virtual async Task<(ApiKeyPrincipal? Principal, IResult? Failure)> AuthenticateAsync(
        string token,
        string? tenant,
        CancellationToken cancellationToken
    )
    {
        var person = await validator.ValidateAsync(token, cancellationToken).ConfigureAwait(false);
        if (person is null)
            return (null, ApiErrors.Unauthenticated());
        if (string.IsNullOrEmpty(tenant) && person.IsOperator)
            return (
                new ApiKeyPrincipal(
                    person.Principal,
                    OperatorKeys.Tenant,
                    new HashSet<string>(StringComparer.Ordinal) { ApiKeyScope.Operator }
                )
                {
                    Principal = person.Principal,
                    Person = person,
                },
                null
            );
        var all = await memberships
            .OfPersonAsync(person.Issuer, person.Subject, cancellationToken)
            .ConfigureAwait(false);
        var chosen = string.IsNullOrEmpty(tenant)
            ? (all.Count == 1 ? all[0] : null)
            : all.FirstOrDefault(m => m.Tenant == tenant);
        if (chosen is null)
            return (
                null,
                ApiErrors.Error(
                    StatusCodes.Status403Forbidden,
                    "ERR_NOT_A_MEMBER",
                    string.IsNullOrEmpty(tenant)
                        ? $"name the tenant in the {TenantHeader} header: you are a member of {all.Count} tenants"
                        : "you are not a member of this tenant",
                    new { tenant = tenant ?? "" }
                )
            );
        return (
            new ApiKeyPrincipal(person.Principal, chosen.Tenant, MemberRole.Scopes(chosen.Role))
            {
                Principal = person.Principal,
                Person = person,
                TenantSuspended = chosen.TenantSuspended,
                Plan = TenantPlans.Of(chosen.Plan),
            },
            null
        );
    }
}
