using System.Text.Json.Nodes;

namespace PitPlatform.Deployment.Tests;

/// <summary>The templates compile, lint clean and document every parameter, as Azure Verified Modules do.</summary>
public sealed class bicep_templates
{
    public static TheoryData<string> Templates =>
        new(
            Directory
                .EnumerateFiles(Repository.Path("bicep"), "*.bicep", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(Repository.Path("bicep"), f).Replace('\\', '/'))
                .Order()
        );

    [Fact]
    public void every_template_lints_without_a_diagnostic()
    {
        // One linter run over every file: the compiler is a large executable, slow to start.
        var lint = BicepCli.Run(Repository.Path("bicep"), "lint", "--pattern", "**/*.bicep");
        Assert.True(
            lint.ExitCode == 0 && lint.Error.Trim().Length == 0 && lint.Output.Trim().Length == 0,
            $"bicep lint:\n{lint.Output}{lint.Error}"
        );
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void every_parameter_and_output_has_a_description(string template)
    {
        var arm = BicepCli.Built.Value[template];
        Assert.NotNull(arm["resources"]);
        foreach (var section in new[] { "parameters", "outputs" })
        {
            foreach (var (name, definition) in arm[section]?.AsObject() ?? [])
                Assert.False(
                    string.IsNullOrWhiteSpace((string?)definition?["metadata"]?["description"]),
                    $"{template}: {section[..^1]} '{name}' has no @description"
                );
        }
    }

    [Theory]
    [MemberData(nameof(DeploymentSnapshots.Environments), MemberType = typeof(DeploymentSnapshots))]
    public void every_environment_deploys_every_kind_of_resource_the_platform_needs(string environment)
    {
        var types = DeploymentSnapshots
            .Of(environment)
            .Select(r => ((string)r!["type"]!).ToLowerInvariant())
            .ToHashSet();
        string[] required =
        [
            "microsoft.web/serverfarms",
            "microsoft.web/sites",
            "microsoft.storage/storageaccounts",
            "microsoft.storage/storageaccounts/managementpolicies",
            "microsoft.eventhub/namespaces",
            "microsoft.eventhub/namespaces/eventhubs",
            "microsoft.eventhub/namespaces/eventhubs/consumergroups",
            "microsoft.dbforpostgresql/flexibleservers",
            "microsoft.dbforpostgresql/flexibleservers/databases",
            "microsoft.dbforpostgresql/flexibleservers/administrators",
            "microsoft.keyvault/vaults/secrets",
            "microsoft.operationalinsights/workspaces",
            "microsoft.insights/components",
            "microsoft.authorization/roleassignments",
            "microsoft.insights/metricalerts",
            "microsoft.insights/scheduledqueryrules",
            "microsoft.insights/actiongroups",
            "microsoft.insights/workbooks",
            "microsoft.insights/diagnosticsettings",
        ];
        Assert.Empty(required.Except(types));
    }

    [Theory]
    [MemberData(nameof(DeploymentSnapshots.Environments), MemberType = typeof(DeploymentSnapshots))]
    public void function_app_is_dotnet_10_isolated_on_flex_consumption_with_its_own_identity(string environment)
    {
        var plan = DeploymentSnapshots.Resources(environment, "Microsoft.Web/serverfarms").Single();
        Assert.Equal("FlexConsumption", (string?)plan["sku"]?["tier"]);
        var site = DeploymentSnapshots.Resources(environment, "Microsoft.Web/sites").Single();
        Assert.Equal("SystemAssigned", (string?)site["identity"]?["type"]);
        var runtime = site["properties"]!["functionAppConfig"]!["runtime"]!;
        Assert.Equal("dotnet-isolated", (string?)runtime["name"]);
        Assert.Equal("10.0", (string?)runtime["version"]);
        Assert.Equal(
            "SystemAssignedIdentity",
            (string?)site["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!["authentication"]!["type"]
        );
    }

    [Theory]
    [MemberData(nameof(DeploymentSnapshots.Environments), MemberType = typeof(DeploymentSnapshots))]
    public void the_console_is_a_free_static_web_app_and_the_only_browser_origin_the_api_allows(string environment)
    {
        var console = DeploymentSnapshots.Resources(environment, "Microsoft.Web/staticSites").Single();
        Assert.Equal("Free", (string?)console["sku"]?["name"]);
        var site = DeploymentSnapshots.Resources(environment, "Microsoft.Web/sites").Single();
        var cors = site["properties"]!["siteConfig"]!["cors"]!;
        var origin = (string)cors["allowedOrigins"]!.AsArray().Single()!;
        Assert.Contains("defaultHostname", origin, StringComparison.Ordinal);
        Assert.Contains("https://", origin, StringComparison.Ordinal);
        Assert.False((bool?)cors["supportCredentials"]);
    }

    [Theory]
    [MemberData(nameof(DeploymentSnapshots.Environments), MemberType = typeof(DeploymentSnapshots))]
    public void storage_refuses_shared_keys_and_tiers_the_archive_to_cool_then_archive(string environment)
    {
        var account = DeploymentSnapshots.Resources(environment, "Microsoft.Storage/storageAccounts").Single();
        Assert.False((bool)account["properties"]!["allowSharedKeyAccess"]!);
        Assert.False((bool)account["properties"]!["allowBlobPublicAccess"]!);
        var policy = DeploymentSnapshots
            .Resources(environment, "Microsoft.Storage/storageAccounts/managementPolicies")
            .Single();
        var actions = policy["properties"]!["policy"]!["rules"]![0]!["definition"]!["actions"]!["baseBlob"]!;
        Assert.NotNull(actions["tierToCool"]);
        Assert.NotNull(actions["tierToArchive"]);
        var containers = DeploymentSnapshots
            .Resources(environment, "Microsoft.Storage/storageAccounts/blobServices/containers")
            .Select(c => DeploymentSnapshots.Name(c).Split('/').Last())
            .ToList();
        Assert.Contains(Processing.Archive.ArchiveStorage.DefaultContainer, containers);
    }

    [Theory]
    [MemberData(nameof(DeploymentSnapshots.Environments), MemberType = typeof(DeploymentSnapshots))]
    public void postgres_accepts_entra_tokens_only_and_the_app_is_an_administrator(string environment)
    {
        var server = DeploymentSnapshots.Resources(environment, "Microsoft.DBforPostgreSQL/flexibleServers").Single();
        Assert.Equal("Enabled", (string?)server["properties"]!["authConfig"]!["activeDirectoryAuth"]);
        Assert.Equal("Disabled", (string?)server["properties"]!["authConfig"]!["passwordAuth"]);
        var admin = DeploymentSnapshots
            .Resources(environment, "Microsoft.DBforPostgreSQL/flexibleServers/administrators")
            .First();
        Assert.Equal("ServicePrincipal", (string?)admin["properties"]!["principalType"]);
    }

    [Theory]
    [MemberData(nameof(DeploymentSnapshots.Environments), MemberType = typeof(DeploymentSnapshots))]
    public void the_app_identity_holds_every_role_it_needs(string environment)
    {
        var roleIds = DeploymentSnapshots
            .Resources(environment, "Microsoft.Authorization/roleAssignments")
            .Select(r => ((string)r["properties"]!["roleDefinitionId"]!).Split('/').Last())
            .ToHashSet();
        string[] needed =
        [
            "2b629674-e913-4c01-ae53-ef4638d8f975", // Azure Event Hubs Data Sender
            "a638d3c7-ab3a-418d-83e6-5f17a39d4fde", // Azure Event Hubs Data Receiver
            "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", // Storage Blob Data Owner
            "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor (Durable)
            "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", // Storage Table Data Contributor (Durable)
            "4633458b-17de-408a-b874-0445c86b69e6", // Key Vault Secrets User
            "3913510d-42f4-4e42-8a64-420c390055eb", // Monitoring Metrics Publisher
        ];
        Assert.Empty(needed.Except(roleIds));
    }

    [Theory]
    [MemberData(nameof(DeploymentSnapshots.Environments), MemberType = typeof(DeploymentSnapshots))]
    public void every_resource_that_logs_sends_its_diagnostics_to_log_analytics(string environment)
    {
        var settings = DeploymentSnapshots.Resources(environment, "Microsoft.Insights/diagnosticSettings").ToList();
        // Event Hubs, Storage account and Blob service, Postgres, Key Vault and the Function App.
        Assert.True(settings.Count >= 6, $"{settings.Count} diagnostic settings");
        Assert.All(settings, s => Assert.NotNull(s["properties"]!["workspaceId"]));
    }

    [Theory]
    [MemberData(nameof(DeploymentSnapshots.Environments), MemberType = typeof(DeploymentSnapshots))]
    public void alerts_cover_5xx_rate_consumer_lag_dead_letters_and_postgres_cpu(string environment)
    {
        var text = string.Join(
            '\n',
            DeploymentSnapshots
                .Resources(environment, "Microsoft.Insights/metricAlerts")
                .Concat(DeploymentSnapshots.Resources(environment, "Microsoft.Insights/scheduledQueryRules"))
                .SelectMany(Strings)
        );
        Assert.Contains("resultCode) >= 500", text);
        Assert.Contains("pit.consumer.record_age_ms", text);
        Assert.Contains(
            Contracts
                .Catalog.TopicCatalog.Embedded.Topics.Single(t =>
                    t.Name.EndsWith(".dead_letter", StringComparison.Ordinal)
                )
                .Name,
            text
        );
        Assert.Contains("cpu_percent", text);
    }

    private static IEnumerable<string> Strings(JsonNode? node) =>
        node switch
        {
            JsonObject o => o.SelectMany(p => Strings(p.Value)),
            JsonArray a => a.SelectMany(Strings),
            JsonValue v when v.TryGetValue<string>(out var s) => [s],
            _ => [],
        };
}
