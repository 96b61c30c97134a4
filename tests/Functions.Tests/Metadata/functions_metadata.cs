using System.Text.Json;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Governance.Deletion;
using PitPlatform.Hosting;

namespace PitPlatform.Functions.Tests.Metadata;

/// <summary>
/// The functions.metadata the Worker SDK generated is the app the Functions host will index: it declares the API the
/// spec documents, the catalog's consumers, the timers and the deletion orchestration, and host.json agrees with it.
/// </summary>
public sealed class functions_metadata
{
    private static FunctionsMetadata Metadata => FunctionsMetadata.App.Value;

    [Fact]
    public void every_route_in_the_api_spec_has_exactly_one_http_function_and_every_http_function_is_in_the_spec()
    {
        var functions = Metadata
            .WithTrigger("httpTrigger")
            .SelectMany(f => f.Trigger.Methods.Select(m => $"{m} {ApiSpecRoutes.Normalize(f.Trigger.Text("route")!)}"))
            .ToList();
        Assert.Empty(functions.GroupBy(r => r).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Equal(ApiSpecRoutes.All().Order(StringComparer.Ordinal), functions.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void http_functions_are_anonymous_because_the_platform_checks_its_own_api_keys()
    {
        Assert.All(Metadata.WithTrigger("httpTrigger"), f => Assert.Equal("Anonymous", f.Trigger.Text("authLevel")));
    }

    [Fact]
    public void every_consumer_group_in_the_topic_catalog_has_a_batched_kafka_trigger_per_topic_and_no_other()
    {
        var catalog = TopicCatalog
            .Embedded.Topics.SelectMany(t => t.ConsumerGroups.Select(g => $"{g} <- {t.Name}"))
            .Order(StringComparer.Ordinal);
        var triggers = Metadata.WithTrigger("kafkaTrigger").ToList();
        Assert.Equal(
            catalog,
            triggers
                .Select(f => $"{f.Trigger.Text("consumerGroup")} <- {f.Trigger.Text("topic")}")
                .Order(StringComparer.Ordinal)
        );
        Assert.All(triggers, f =>
        {
            Assert.Equal("Many", f.Trigger.Text("cardinality"));
            Assert.Equal("Binary", f.Trigger.Text("dataType"));
            Assert.Equal(SettingNames.KafkaBootstrap, f.Trigger.Text("brokerList"));
        });
    }

    [Fact]
    public void kafka_triggers_read_event_hubs_over_sasl_ssl_with_the_listen_only_connection_string_setting()
    {
        Assert.All(Metadata.WithTrigger("kafkaTrigger"), f =>
        {
            Assert.Equal("SaslSsl", f.Trigger.Text("protocol"));
            Assert.Equal("Plain", f.Trigger.Text("authenticationMode"));
            Assert.Equal("$ConnectionString", f.Trigger.Text("username"));
            Assert.Equal($"%{SettingNames.KafkaTriggerConnectionString}%", f.Trigger.Text("password"));
        });
    }

    [Fact]
    public void a_failed_kafka_batch_is_retried_forever_with_exponential_backoff_so_nothing_of_it_is_committed()
    {
        Assert.All(Metadata.WithTrigger("kafkaTrigger"), f =>
        {
            Assert.NotNull(f.Retry);
            var retry = f.Retry.Value;
            Assert.Equal("exponentialBackoff", retry.GetProperty("strategy").GetString());
            Assert.Equal(FunctionBindings.RetryForever, retry.GetProperty("maxRetryCount").GetInt32());
        });
    }

    [Fact]
    public void the_timers_run_the_billing_report_and_the_retention_scheduler_on_their_schedules()
    {
        var timers = Metadata.WithTrigger("timerTrigger").ToDictionary(f => f.Name, f => f.Trigger.Text("schedule"));
        Assert.Equal(["BillingReport", "RetentionScheduler"], timers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(FunctionBindings.RetentionSweepSchedule, timers["RetentionScheduler"]);
        Assert.Equal(6, timers["BillingReport"]!.Split(' ').Length);
    }

    [Fact]
    public void the_deletion_orchestration_its_activities_and_its_clients_are_declared()
    {
        Assert.Equal([nameof(DeletionOrchestrator)], Metadata.WithTrigger("orchestrationTrigger").Select(f => f.Name));
        Assert.Equal(
            [
                nameof(DeletionActivities.ExpireOverdue),
                nameof(DeletionActivities.ReadDeletion),
                nameof(DeletionActivities.RunDeletionStep),
            ],
            Metadata.WithTrigger("activityTrigger").Select(f => f.Name).Order(StringComparer.Ordinal)
        );
        var clients = Metadata.Functions.Where(f => f.Bindings.Any(b => b.Type == "durableClient")).Select(f => f.Name);
        Assert.Equal(
            ["ApproveDeletion", "RejectDeletion", "RequestDeletion", "RequestTenantDeletion"],
            clients.Order(StringComparer.Ordinal)
        );
        Assert.NotEmpty(DeletionRunner.Steps);
    }

    [Fact]
    public void host_json_keeps_failed_kafka_batches_uncommitted_and_names_only_functions_that_exist()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Repository.Path("host.json")));
        var extensions = host.RootElement.GetProperty("extensions");
        var kafka = extensions.GetProperty("kafka");
        Assert.False(kafka.GetProperty("commitOnFailure").GetBoolean());
        Assert.Equal(-1, kafka.GetProperty("maxRetries").GetInt32());
        Assert.Equal("", extensions.GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.False(string.IsNullOrEmpty(extensions.GetProperty("durableTask").GetProperty("hubName").GetString()));

        var names = Metadata.Functions.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var levels = host
            .RootElement.GetProperty("logging")
            .GetProperty("logLevel")
            .EnumerateObject()
            .Select(p => p.Name)
            .Where(n => n.StartsWith("Function.", StringComparison.Ordinal));
        Assert.All(levels, level => Assert.Contains(level["Function.".Length..], names));
    }

    [Fact]
    public void every_function_entry_point_is_a_public_method_of_the_app()
    {
        var assembly = typeof(FunctionBindings).Assembly;
        Assert.All(Metadata.Functions, f =>
        {
            var split = f.EntryPoint.LastIndexOf('.');
            var type = assembly.GetType(f.EntryPoint[..split]);
            Assert.NotNull(type);
            Assert.NotNull(type.GetMethod(f.EntryPoint[(split + 1)..]));
        });
    }
}
