using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PitPlatform.Functions.Tests.Metadata;
using PitPlatform.Hosting;

namespace PitPlatform.Functions.Tests.StartUp;

/// <summary>
/// The worker's container as Program.cs builds it (FunctionsAppHost), with the settings Bicep deploys and DI
/// validation on. Without a Functions host the worker stops at host.Run(), so everything before it is tested here.
/// </summary>
public sealed class worker_start_up
{
    private static IHost Build(IReadOnlyDictionary<string, string?> settings) => FunctionsAppHost.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Configuration.AddInMemoryCollection(DeploymentSettings.Platform());
            builder.ConfigureContainer(
                new DefaultServiceProviderFactory(
                    new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }
                )
            );
        });

    [Fact]
    public void the_test_settings_are_exactly_the_ones_bicep_deploys()
    {
        Assert.Equal(
            SettingNames.SetByDeployment.Order(StringComparer.Ordinal),
            DeploymentSettings.Values().Keys.Order(StringComparer.Ordinal)
        );
    }

    [Fact]
    public void the_container_builds_with_validated_services_and_passes_the_kafka_binding_check()
    {
        using var host = Build(DeploymentSettings.Values());
        FunctionBindings.Verify(host.Services, host.Services.GetRequiredService<IConfiguration>());
    }

    [Fact]
    public void the_deployed_app_asks_only_its_managed_identity_for_tokens()
    {
        // DefaultAzureCredential would also try az, azd and PowerShell processes on the worker.
        using var host = Build(DeploymentSettings.Values());
        var settings = host.Services.GetRequiredService<PitSettings>();
        Assert.IsType<Azure.Identity.ManagedIdentityCredential>(settings.Postgres.EntraCredential);
        Assert.IsType<Azure.Identity.ManagedIdentityCredential>(settings.BlobCredential);
        Assert.IsType<Azure.Identity.ManagedIdentityCredential>(settings.KeyVaultCredential);
    }

    [Fact]
    public void every_function_class_in_the_metadata_is_activated_from_the_container()
    {
        using var host = Build(DeploymentSettings.Values());
        var types = FunctionsMetadata
            .App.Value.Functions.Select(f =>
                typeof(FunctionBindings).Assembly.GetType(f.EntryPoint[..f.EntryPoint.LastIndexOf('.')])!
            )
            .Distinct()
            .Where(t => !t.IsAbstract) // static classes (the orchestrator) need no instance
            .ToList();
        Assert.NotEmpty(types);
        using var scope = host.Services.CreateScope();
        foreach (var type in types)
        {
            // What the worker's DefaultFunctionActivator does for each invocation.
            var instance = ActivatorUtilities.CreateInstance(scope.ServiceProvider, type);
            Assert.IsType(type, instance);
        }
        Assert.Contains(types, t => t.GetMethods().Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null));
    }

    [Fact]
    public void every_kafka_function_calls_its_handler_through_the_consumer_guard()
    {
        // A trigger handed the bare handler would let a poison record's exception reach the retry-forever policy.
        var kafkaClasses = typeof(FunctionBindings)
            .Assembly.GetTypes()
            .Where(t =>
                t.GetMethods()
                    .Any(m => m.GetParameters().Any(p => p.GetCustomAttribute<KafkaTriggerAttribute>() is not null))
            )
            .ToList();
        Assert.Equal(5, kafkaClasses.Count);
        foreach (var type in kafkaClasses)
        {
            var parameters = Assert
                .Single(type.GetConstructors())
                .GetParameters()
                .Select(p => p.ParameterType)
                .ToList();
            Assert.DoesNotContain(parameters, p =>
                typeof(PitPlatform.Contracts.Consuming.IRecordBatchHandler).IsAssignableFrom(p)
                && !(
                    p.IsGenericType
                    && p.GetGenericTypeDefinition() == typeof(PitPlatform.Processing.DeadLetters.ConsumerGuard<>)
                )
            );
            Assert.Contains(parameters, p =>
                p.IsGenericType
                && p.GetGenericTypeDefinition() == typeof(PitPlatform.Processing.DeadLetters.ConsumerGuard<>)
            );
        }
    }

    [Fact]
    public void the_composition_root_registers_every_consumer_inside_its_guard()
    {
        using var host = Build(DeploymentSettings.Values());
        var handlers = host.Services.GetServices<PitPlatform.Contracts.Consuming.IRecordBatchHandler>().ToList();
        Assert.Equal(5, handlers.Count);
        Assert.All(handlers, h => Assert.IsAssignableFrom<PitPlatform.Processing.DeadLetters.ConsumerGuard>(h));
    }

    [Fact]
    public void with_application_insights_configured_the_worker_exports_through_opentelemetry_not_the_classic_sdk()
    {
        var settings = DeploymentSettings.Values();
        settings[FunctionsAppHost.AppInsightsConnectionSetting] =
            $"InstrumentationKey={Guid.Empty};IngestionEndpoint=https://127.0.0.1:9/";
        using var host = Build(settings);
        Assert.NotNull(host.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
        Assert.NotNull(host.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a =>
            a.GetName().Name == "Microsoft.ApplicationInsights"
        );
    }

    [Fact]
    public void a_missing_deployment_setting_stops_start_up_naming_it()
    {
        var settings = DeploymentSettings.Values();
        settings.Remove(SettingNames.Postgres);
        var error = Assert.ThrowsAny<Exception>(() => Build(settings));
        Assert.Contains(SettingNames.Postgres, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void a_plaintext_kafka_setting_fails_the_binding_check_of_triggers_compiled_for_event_hubs()
    {
        var settings = DeploymentSettings.Values();
        settings[SettingNames.KafkaAuth] = "none";
        using var host = Build(settings);
        var error = Assert.Throws<InvalidOperationException>(() =>
            FunctionBindings.Verify(host.Services, host.Services.GetRequiredService<IConfiguration>())
        );
        Assert.Contains(SettingNames.KafkaAuth, error.Message, StringComparison.Ordinal);
    }
}
