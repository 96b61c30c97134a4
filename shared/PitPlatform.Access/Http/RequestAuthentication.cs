using Microsoft.AspNetCore.Http;
using PitPlatform.Access.ApiKeys;

namespace PitPlatform.Access.Http;

/// <summary>
/// Authenticates a request and checks a scope; the failure is the error response to send. Every route authenticates
/// here, so a suspended tenant's keys are refused (403 ERR_TENANT_SUSPENDED) on every request. With an identity
/// provider configured, a bearer token that is a JWT is a person's access token
/// (<see cref="People.PersonAuthenticator"/>).
/// </summary>
public sealed class RequestAuthentication(ApiKeyAuthenticator authenticator, People.PersonAuthenticator? people = null)
{
    public async Task<(ApiKeyPrincipal? Principal, IResult? Failure)> RequireAsync(
        HttpRequest request,
        string scope,
        CancellationToken cancellationToken
    )
    {
        var (principal, failure) = await AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
            return (null, failure);
        if (!principal!.Has(scope))
            return (null, ApiErrors.MissingScope(scope));
        return (principal, null);
    }

    /// <summary>
    /// The caller, whatever its scopes (routes that weigh several scopes, or audit a refusal, check them).
    /// </summary>
    public async Task<(ApiKeyPrincipal? Principal, IResult? Failure)> AuthenticateAsync(
        HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        ApiKeyPrincipal? principal;
        if (
            people is not null
            && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && People.AccessTokenValidator.LooksLikeJwt(header[7..].Trim())
        )
        {
            var (person, refused) = await people
                .AuthenticateAsync(
                    header[7..].Trim(),
                    request.Headers[People.PersonAuthenticator.TenantHeader].ToString(),
                    cancellationToken
                )
                .ConfigureAwait(false);
            if (person is null)
                return (null, refused);
            principal = person;
        }
        else
        {
            principal = await authenticator.AuthenticateAsync(header, cancellationToken).ConfigureAwait(false);
        }
        if (principal is null)
            return (null, ApiErrors.Unauthenticated());
        if (principal.TenantSuspended)
            return (null, ApiErrors.TenantSuspended(principal.Tenant));
        return (principal, null);
    }
}
