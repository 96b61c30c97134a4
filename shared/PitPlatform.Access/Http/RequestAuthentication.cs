using Microsoft.AspNetCore.Http;
using PitPlatform.Access.ApiKeys;

namespace PitPlatform.Access.Http;

/// <summary>Authenticates a request and checks a scope; the failure is the error response to send.</summary>
public sealed class RequestAuthentication(ApiKeyAuthenticator authenticator)
{
    public async Task<(ApiKeyPrincipal? Principal, IResult? Failure)> RequireAsync(HttpRequest request, string scope, CancellationToken cancellationToken)
    {
        var principal = await authenticator.AuthenticateAsync(request.Headers.Authorization.ToString(), cancellationToken).ConfigureAwait(false);
        if (principal is null) return (null, ApiErrors.Unauthenticated());
        if (!principal.Has(scope)) return (null, ApiErrors.MissingScope(scope));
        return (principal, null);
    }
}
