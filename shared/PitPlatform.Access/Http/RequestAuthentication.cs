using Microsoft.AspNetCore.Http;
using PitPlatform.Access.ApiKeys;

namespace PitPlatform.Access.Http;

/// <summary>
/// Authenticates a request and checks a scope; the failure is the error response to send. Every route authenticates
/// here, so a suspended tenant's keys are refused (403 ERR_TENANT_SUSPENDED) on every request.
/// </summary>
public sealed class RequestAuthentication(ApiKeyAuthenticator authenticator)
{
    public async Task<(ApiKeyPrincipal? Principal, IResult? Failure)> RequireAsync(HttpRequest request, string scope, CancellationToken cancellationToken)
    {
        var (principal, failure) = await AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
        if (failure is not null) return (null, failure);
        if (!principal!.Has(scope)) return (null, ApiErrors.MissingScope(scope));
        return (principal, null);
    }

    /// <summary>The caller, whatever its scopes (routes that weigh several scopes, or audit a refusal, check them).</summary>
    public async Task<(ApiKeyPrincipal? Principal, IResult? Failure)> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var principal = await authenticator.AuthenticateAsync(request.Headers.Authorization.ToString(), cancellationToken).ConfigureAwait(false);
        if (principal is null) return (null, ApiErrors.Unauthenticated());
        if (principal.TenantSuspended) return (null, ApiErrors.TenantSuspended(principal.Tenant));
        return (principal, null);
    }
}
