using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using PitPlatform.Access.Admin;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;
using PitPlatform.Access.RateLimiting;
using PitPlatform.Contracts;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Schema;
using PitPlatform.Governance;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Infrastructure.Postgres;
using PitPlatform.Ingestion;
using PitPlatform.Ingestion.Events;
using PitPlatform.Ingestion.Redaction;
using PitPlatform.Processing.Archive;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Processing.Nav;
using PitPlatform.Processing.Usage;

namespace PitPlatform.Hosting;

/// <summary>The one composition root both hosts (Azure Functions and the local host) call.</summary>
public static class PitPlatformServiceCollectionExtensions
{
    public static IServiceCollection AddPitPlatform(this IServiceCollection services, IConfiguration configuration) =>
        services.AddPitPlatform(PitSettings.FromConfiguration(configuration));

    public static IServiceCollection AddPitPlatform(this IServiceCollection services, PitSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton(settings.Kafka);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(TopicCatalog.Embedded);
        services.AddSingleton(EventSchema.Embedded);
        services.AddSingleton(sp =>
            PostgresDataSourceFactory.Create(settings.Postgres, sp.GetRequiredService<ILoggerFactory>())
        );
        services.AddSingleton(_ =>
            settings.BlobCredential is { } blobCredential
                ? new BlobServiceClient(new Uri(settings.BlobConnectionString), blobCredential)
                : new BlobServiceClient(settings.BlobConnectionString)
        );
        services.AddHostedService<PostgresMigrationService>();

        services.AddSingleton(sp => new EnvelopeProducer(settings.Kafka, sp.GetRequiredService<TopicCatalog>(), "pit"));

        services.AddSingleton(new ApiKeyHasher(settings.ApiKeyPepper));
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<RequestAuthentication>();
        services.AddSingleton(settings.RateLimits);
        services.AddSingleton<ApiKeyRateLimiter>();
        services.AddSingleton<ApiKeyAdminHandler>();
        if (settings.Identity is { } identity)
        {
            services.AddSingleton(identity);
            services.AddSingleton(sp => new Access.People.AccessTokenValidator(
                identity,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<Access.People.AccessTokenValidator>>()
            ));
            services.AddSingleton<Access.People.PersonAuthenticator>();
        }
        services.AddSingleton<Access.People.MembershipStore>();

        services.AddSingleton(new TenantRedactionKeys(settings.RedactionSecret));
        services.AddSingleton<PiiRedactor>();
        services.AddSingleton<TenantRedactionPolicies>();
        services.AddSingleton<RedactionSettingsHandler>();
        services.AddSingleton<IngestEventParser>();
        services.AddSingleton(sp => new IngestEventsHandler(
            sp.GetRequiredService<RequestAuthentication>(),
            sp.GetRequiredService<IngestEventParser>(),
            new EnvelopeBuilder(sp.GetRequiredService<TopicCatalog>(), PitVersion.Producer("pit-ingest")),
            sp.GetRequiredService<EnvelopeProducer>(),
            sp.GetRequiredService<ApiKeyRateLimiter>(),
            sp.GetRequiredService<TenantRedactionPolicies>(),
            sp.GetRequiredService<ILogger<IngestEventsHandler>>(),
            sp.GetRequiredService<Ingestion.Refusals.IngestRefusalCounter>()
        ));
        // Refused events per tenant and code: counted in memory, flushed to Postgres every few seconds (ADR 0020).
        services.AddSingleton<Ingestion.Refusals.IngestRefusalCounter>();
        services.AddHostedService<IngestRefusalFlusher>();

        services.AddSingleton<DeadLetterLedger>();
        services.AddSingleton<DeadLetterWriter>();
        // Every consumer is handed to the hosts inside its ConsumerGuard (failure classification, splitting, dead
        // letters): the local loops take the IRecordBatchHandlers, the Functions triggers the ConsumerGuard<T>s.
        services.TryAddSingleton(ConsumerFailurePolicy.Default);
        services.TryAddSingleton(typeof(ConsumerGuard<>));
        services.AddSingleton<NavProcessor>();
        services.AddSingleton<NavAnalyticsConsumer>();
        services.AddSingleton<IRecordBatchHandler>(sp => sp.GetRequiredService<ConsumerGuard<NavProcessor>>());
        services.AddSingleton<IRecordBatchHandler>(sp => sp.GetRequiredService<ConsumerGuard<NavAnalyticsConsumer>>());
        services.AddSingleton<NavQueryHandler>();
        services.AddSingleton(new NavPageTokens(settings.PageTokenKey));
        services.AddSingleton<NavPointReader>();
        services.AddSingleton<NavPages>();
        services.AddSingleton<NavChartHandler>();
        services.AddSingleton(new UsageTextSampling(settings.UsageTextSamplePartsPerMillion));
        services.AddSingleton<UsageAggregator>();
        services.AddSingleton<IRecordBatchHandler>(sp => sp.GetRequiredService<ConsumerGuard<UsageAggregator>>());
        services.AddSingleton<UsageQueryHandler>();
        services.AddSingleton<Processing.RecentEvents.RecentEventsHandler>();
        services.AddSingleton<Processing.RecentEvents.StatsOverviewHandler>();
        services.AddSingleton(sp => new ArchiveStorage(
            sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(settings.ArchiveContainer)
        ));
        services.AddSingleton<Archiver>();
        services.AddSingleton<IRecordBatchHandler>(sp => sp.GetRequiredService<ConsumerGuard<Archiver>>());
        services.AddPitGovernance(settings.Governance);
        services.AddSingleton<PlatformHealth>();
        services.AddSingleton<HealthHandler>();
        services.AddPitBilling(settings);
        Governance.Retention.RetentionServiceCollectionExtensions.AddPitRetention(services, settings.Retention);
        return services;
    }
}
