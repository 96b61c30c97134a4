using System.Reflection;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Hosting;

namespace PitPlatform.Deployment.Tests;

/// <summary>
/// What Bicep deploys is what the code expects: the catalog's topics and groups, and the app settings it reads.
/// </summary>
public sealed class bicep_matches_the_runtime
{
    private static string Leaf(string name, int parts) => string.Join('/', name.Split('/').TakeLast(parts));

    [Theory]
    [MemberData(nameof(DeploymentSnapshots.Environments), MemberType = typeof(DeploymentSnapshots))]
    public void every_catalog_topic_is_an_event_hub_with_its_partitions_retention_and_cleanup(string environment)
    {
        var hubs = DeploymentSnapshots
            .Resources(environment, "Microsoft.EventHub/namespaces/eventhubs")
            .ToDictionary(h => Leaf(DeploymentSnapshots.Name(h), 1));
        Assert.Equal(TopicCatalog.Embedded.Topics.Select(t => t.Name).Order(), hubs.Keys.Order());
        foreach (var topic in TopicCatalog.Embedded.Topics)
        {
            var properties = hubs[topic.Name]["properties"]!;
            Assert.Equal(topic.Partitions, (int)properties["partitionCount"]!);
            var retention = properties["retentionDescription"]!;
            var compacted = topic.CleanupPolicy.Contains("compact", StringComparison.Ordinal);
            Assert.Equal(compacted ? "Compact" : "Delete", (string?)retention["cleanupPolicy"]);
            Assert.Equal(
                topic.RetentionDays * 24,
                (int)retention[compacted ? "tombstoneRetentionTimeInHours" : "retentionTimeInHours"]!
            );
        }
    }

    [Theory]
    [MemberData(nameof(DeploymentSnapshots.Environments), MemberType = typeof(DeploymentSnapshots))]
    public void every_catalog_consumer_group_exists_on_its_topic(string environment)
    {
        var groups = DeploymentSnapshots
            .Resources(environment, "Microsoft.EventHub/namespaces/eventhubs/consumergroups")
            .Select(g => Leaf(DeploymentSnapshots.Name(g), 2))
            .Order()
            .ToList();
        var expected = TopicCatalog
            .Embedded.Topics.SelectMany(t => t.ConsumerGroups.Select(g => $"{t.Name}/{g}"))
            .Order()
            .ToList();
        Assert.Equal(expected, groups);
    }

    [Theory]
    [MemberData(nameof(DeploymentSnapshots.Environments), MemberType = typeof(DeploymentSnapshots))]
    public void the_app_settings_bicep_sets_are_exactly_the_ones_the_functions_app_reads(string environment)
    {
        var site = DeploymentSnapshots.Resources(environment, "Microsoft.Web/sites").Single();
        var names = site["properties"]!["siteConfig"]!["appSettings"]!
            .AsArray()
            .Select(s => (string)s!["name"]!)
            .ToList();
        var platform = names.Where(n => !n.StartsWith("PIT_", StringComparison.Ordinal)).Order().ToList();
        Assert.Equal(
            [
                "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
                "APPLICATIONINSIGHTS_CONNECTION_STRING",
                AzureCredentials.Setting,
                "AzureWebJobsStorage__accountName",
                "AzureWebJobsStorage__credential",
            ],
            platform
        );
        Assert.Equal(
            AzureCredentials.ManagedIdentityOnly,
            (string?)
                site["properties"]!["siteConfig"]!["appSettings"]!
                    .AsArray()
                    .Single(s => (string)s!["name"]! == AzureCredentials.Setting)!["value"]
        );
        Assert.Equal(
            SettingNames.SetByDeployment.Order(),
            names.Where(n => n.StartsWith("PIT_", StringComparison.Ordinal)).Order()
        );
    }

    [Theory]
    [MemberData(nameof(DeploymentSnapshots.Environments), MemberType = typeof(DeploymentSnapshots))]
    public void every_secret_setting_is_a_key_vault_reference(string environment)
    {
        var site = DeploymentSnapshots.Resources(environment, "Microsoft.Web/sites").Single();
        foreach (var setting in site["properties"]!["siteConfig"]!["appSettings"]!.AsArray())
        {
            var name = (string)setting!["name"]!;
            if (!SettingNames.Secrets.Contains(name))
                continue;
            Assert.StartsWith("@Microsoft.KeyVault(VaultName=", (string?)setting["value"]);
        }
    }

    [Fact]
    public void every_setting_name_is_either_set_by_the_deployment_or_deliberately_not()
    {
        var declared = typeof(SettingNames)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.Empty(declared.Except(SettingNames.SetByDeployment).Except(SettingNames.NotSetByDeployment));
        Assert.Empty(SettingNames.SetByDeployment.Intersect(SettingNames.NotSetByDeployment));
        Assert.Empty(SettingNames.Secrets.Except(declared));
    }
}
