using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PitPlatform.Processing.DeadLetters;

namespace PitPlatform.Governance.Retention;

/// <summary>
/// Registers retention: the policy store and its admin handler, the scheduler, the sweeper and export.
/// </summary>
public static class RetentionServiceCollectionExtensions
{
    public static IServiceCollection AddPitRetention(this IServiceCollection services, RetentionSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton<RetentionPolicyStore>();
        services.AddSingleton<RetentionPolicyAudit>();
        services.AddSingleton<RetentionPolicyHandler>();
        services.AddSingleton<PitPlatform.Governance.Approvals.IApprovalKind, RetentionApprovalKind>();
        services.AddSingleton<RetentionAudit>();
        services.AddSingleton<RetentionScheduler>();
        services.AddSingleton<PitPlatform.Contracts.Scheduling.IScheduledJob>(sp =>
            sp.GetRequiredService<RetentionScheduler>()
        );
        services.AddSingleton<PitPlatform.Processing.Archive.ArchivePruner>();
        services.AddSingleton<RetentionSweeper>();
        services.TryAddSingleton(ConsumerFailurePolicy.Default);
        services.TryAddSingleton(typeof(ConsumerGuard<>));
        services.AddSingleton<PitPlatform.Contracts.Consuming.IRecordBatchHandler>(sp =>
            sp.GetRequiredService<ConsumerGuard<RetentionSweeper>>()
        );
        services.AddSingleton<PitPlatform.Governance.Export.ExportHandler>();
        return services;
    }
}
