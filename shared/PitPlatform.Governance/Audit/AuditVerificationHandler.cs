using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;

namespace PitPlatform.Governance.Audit;

/// <summary>
/// GET /v1/audit/verification: walks the caller's tenant's whole audit chain on the server
/// (<see cref="AuditVerifier"/>, the same check as <c>./pit audit verify --tenant</c>) and says whether it is intact,
/// or names its first bad entry. Needs the admin or approver scope, like GET /v1/audit.
/// </summary>
public sealed class AuditVerificationHandler(
    RequestAuthentication authentication,
    AuditVerifier verifier,
    ILogger<AuditVerificationHandler> logger
)
{
    public Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(
            async () =>
            {
                var (principal, refused) = await authentication
                    .AuthenticateAsync(request, cancellationToken)
                    .ConfigureAwait(false);
                if (principal is null)
                    return refused!;
                if (!principal.Has(ApiKeyScope.Admin) && !principal.Has(ApiKeyScope.Approver))
                    return ApiErrors.MissingScope(ApiKeyScope.Admin);
                var verification = await verifier
                    .VerifyAsync(principal.Tenant, cancellationToken)
                    .ConfigureAwait(false);
                var chain = verification.Chains.SingleOrDefault(c => c.Tenant == principal.Tenant);
                var problem = chain?.Problem is { } p ? new AuditProblemView(p.Sequence, p.Reason) : null;
                return Results.Json(
                    new
                    {
                        data = new AuditVerificationView(
                            principal.Tenant,
                            problem is null,
                            chain?.Entries ?? 0,
                            problem
                        ),
                    },
                    ApiJson.Options
                );
            },
            logger,
            "GET /v1/audit/verification"
        );
}

/// <summary>A tenant's chain as GET /v1/audit/verification reports it (an empty chain is intact).</summary>
public sealed record AuditVerificationView(string Tenant, bool Intact, long Entries, AuditProblemView? Problem);

public sealed record AuditProblemView(long Sequence, string Reason);
