using Microsoft.Extensions.DependencyInjection;
using PitPlatform.Governance.Audit;

namespace PitPlatform.Governance;

/// <summary>The governance services (audit trail, deletions, approvals); AddPitPlatform calls this.</summary>
public static class GovernanceServiceCollectionExtensions
{
    public static IServiceCollection AddPitGovernance(this IServiceCollection services)
    {
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<AuditVerifier>();
        services.AddSingleton<AuditQueryHandler>();
        return services;
    }
}
