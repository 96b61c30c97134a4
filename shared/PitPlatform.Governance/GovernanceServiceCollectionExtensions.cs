using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PitPlatform.Governance.Approvals;
using PitPlatform.Governance.Audit;
using PitPlatform.Governance.Deletion;

namespace PitPlatform.Governance;

/// <summary>The governance services (audit trail, deletions, approvals, tenants); AddPitPlatform calls this.</summary>
public static class GovernanceServiceCollectionExtensions
{
    public static IServiceCollection AddPitGovernance(
        this IServiceCollection services,
        GovernanceOptions? options = null
    )
    {
        services.AddSingleton(options ?? new GovernanceOptions());
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<AuditVerifier>();
        services.AddSingleton<AuditQueryHandler>();
        services.AddSingleton<AuditVerificationHandler>();

        services.AddSingleton<GovernanceRequestStore>();
        services.AddSingleton<ApprovalDecisions>();
        services.AddSingleton<Access.Approvals.IApprovalRequests, ApprovalRequests>();
        services.AddSingleton<IApprovalKind, RedactionApprovalKind>();
        services.AddSingleton<ApprovalsHandler>();
        services.AddSingleton<DeletionWakeup>();
        services.AddSingleton<DeletionEvents>();
        services.AddSingleton<DeletionRequests>();
        services.AddSingleton<IApprovalKind, DeletionApprovalKind>();
        services.AddSingleton<PitPlatform.Processing.Archive.ArchiveRedactor>();
        services.TryAddSingleton(new DeletionBarrierOptions());
        services.AddSingleton<DeletionBarrier>();
        services.AddSingleton<DeletionRunner>();
        services.AddSingleton<DeletionDriver>();
        services.AddSingleton<DeletionHandler>();
        services.AddSingleton<Access.Tenants.TenantStore>();
        services.AddSingleton<Tenants.TenantLifecycle>();
        services.AddSingleton<Tenants.TenantHandler>();
        services.AddSingleton<People.MembersHandler>();
        services.AddSingleton<Access.Admin.IKeyChangeAudit, KeyChangeAudit>();
        return services;
    }
}
