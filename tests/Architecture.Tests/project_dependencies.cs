namespace PitPlatform.Architecture.Tests;

/// <summary>
/// The allowed references between our projects, stated once, here, and compared with the ProjectReference elements of
/// every .csproj, so the map in docs/ARCHITECTURE.md cannot drift from the code. Adding a reference between product
/// projects means changing <see cref="Allowed"/> and the map together. Test projects under tests/ may reference
/// anything and are left out of the exact graph (they are checked only for never being referenced by product code).
/// </summary>
public sealed class project_dependencies
{
    private const string Contracts = "shared/PitPlatform.Contracts/PitPlatform.Contracts.csproj";
    private const string Infrastructure = "shared/PitPlatform.Infrastructure/PitPlatform.Infrastructure.csproj";
    private const string Access = "shared/PitPlatform.Access/PitPlatform.Access.csproj";
    private const string Ingestion = "shared/PitPlatform.Ingestion/PitPlatform.Ingestion.csproj";
    private const string Processing = "shared/PitPlatform.Processing/PitPlatform.Processing.csproj";
    private const string Governance = "shared/PitPlatform.Governance/PitPlatform.Governance.csproj";
    private const string Billing = "shared/PitPlatform.Billing/PitPlatform.Billing.csproj";
    private const string Hosting = "shared/PitPlatform.Hosting/PitPlatform.Hosting.csproj";
    private const string Functions = "functions/PitPlatform.Functions/PitPlatform.Functions.csproj";
    private const string LocalHost = "functions/PitPlatform.LocalHost/PitPlatform.LocalHost.csproj";
    private const string Sdk = "sdk/PitPlatform.Sdk/PitPlatform.Sdk.csproj";
    private const string SdkSample = "sdk/samples/TradeFillProducer/TradeFillProducer.csproj";
    private const string KafkaStandIn = "tests/KafkaWorkerExtensionStandIn/KafkaWorkerExtensionStandIn.csproj";

    /// <summary>
    /// Every product project (under shared/, functions/ and sdk/) and exactly the projects it may reference directly.
    /// The layers, bottom up: Contracts, Infrastructure, Access, then Ingestion and Processing side by side, Governance
    /// over Processing, Billing over Governance, Hosting (the composition root) over all four, and the two hosts over
    /// Hosting. The SDK stands alone.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>
    {
        [Contracts] = [],
        [Infrastructure] = [Contracts],
        [Access] = [Infrastructure],
        [Ingestion] = [Access],
        [Processing] = [Access],
        [Governance] = [Processing],
        [Billing] = [Governance],
        [Hosting] = [Ingestion, Processing, Governance, Billing],
        // The stand-in of the Kafka worker extension's attribute types is compiled in when the NuGet source lacks the
        // package (functions/README.md); it is the one project under tests/ that product code may name.
        [Functions] = [Hosting, KafkaStandIn],
        [LocalHost] = [Hosting],
        [Sdk] = [],
        [SdkSample] = [Sdk],
    };

    private static readonly string[] ProductFolders = ["shared/", "functions/", "sdk/"];

    private readonly ProjectGraph _graph = ProjectGraph.Load();

    [Fact]
    public void every_product_project_references_exactly_what_the_allowed_graph_lists()
    {
        var product = _graph.References.Keys.Where(IsProduct).ToList();

        Assert.Empty(product.Except(Allowed.Keys).Select(p => $"{p}: a product project missing from Allowed"));
        Assert.Empty(Allowed.Keys.Except(product).Select(p => $"{p}: listed in Allowed but no such project"));
        var differences = product.SelectMany(project =>
        {
            var actual = _graph.References[project];
            var allowed = Allowed[project].ToHashSet(StringComparer.Ordinal);
            return actual
                .Except(allowed)
                .Select(r => $"{project} -> {r}: a reference Allowed does not list")
                .Concat(allowed.Except(actual).Select(r => $"{project} -> {r}: listed in Allowed but not referenced"));
        });
        Assert.Empty(differences);
    }

    [Fact]
    public void contracts_depend_on_no_project_of_ours()
    {
        Assert.Empty(_graph.References[Contracts]);
    }

    [Fact]
    public void the_sdks_reach_no_server_library()
    {
        var sdkProjects = _graph.References.Keys.Where(p => p.StartsWith("sdk/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(sdkProjects);
        var outside = sdkProjects.SelectMany(project =>
            _graph
                .Reachable(project)
                .Where(r => !r.StartsWith("sdk/", StringComparison.Ordinal))
                .Select(r => $"{project} reaches {r}")
        );
        Assert.Empty(outside);
    }

    [Fact]
    public void nothing_in_shared_reaches_a_host_or_a_test_project()
    {
        var shared = _graph.References.Keys.Where(p => p.StartsWith("shared/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(shared);
        var wrong = shared.SelectMany(project =>
            _graph
                .Reachable(project)
                .Where(r => !r.StartsWith("shared/", StringComparison.Ordinal))
                .Select(r => $"{project} reaches {r}")
        );
        Assert.Empty(wrong);
    }

    [Fact]
    public void no_host_references_the_other_host()
    {
        Assert.DoesNotContain(LocalHost, _graph.Reachable(Functions));
        Assert.DoesNotContain(Functions, _graph.Reachable(LocalHost));
    }

    [Fact]
    public void no_product_project_reaches_a_test_project_but_the_kafka_stand_in()
    {
        var wrong = _graph
            .References.Keys.Where(IsProduct)
            .SelectMany(project =>
                _graph
                    .Reachable(project)
                    .Where(r => r.StartsWith("tests/", StringComparison.Ordinal) && r != KafkaStandIn)
                    .Select(r => $"{project} reaches {r}")
            );
        Assert.Empty(wrong);
    }

    [Fact]
    public void the_graph_has_no_cycle()
    {
        var cyclic = _graph.References.Keys.Where(p => _graph.Reachable(p).Contains(p)).ToList();
        Assert.True(cyclic.Count == 0, $"projects that reach themselves: {string.Join(", ", cyclic)}");
    }

    [Fact]
    public void the_csharp_sdk_ships_without_package_dependencies()
    {
        var text = File.ReadAllText(Path.Combine(_graph.Root, Sdk));
        Assert.DoesNotContain("<PackageReference", text, StringComparison.Ordinal);
    }

    [Fact]
    public void the_architecture_map_names_every_allowed_reference()
    {
        // The map's "may use" table has a row per project, "| `PitPlatform.Access` | `PitPlatform.Infrastructure` |":
        // every allowed reference (but the Kafka stand-in, a build detail) must appear in its project's row.
        var map = File.ReadAllText(Path.Combine(_graph.Root, "docs", "ARCHITECTURE.md"));
        var missing = Allowed
            .SelectMany(entry => entry.Value.Where(r => r != KafkaStandIn).Select(r => (From: entry.Key, To: r)))
            .Where(edge =>
                !MapRow(map, ShortName(edge.From)).Contains($"`{ShortName(edge.To)}`", StringComparison.Ordinal)
            )
            .Select(edge => $"{ShortName(edge.From)} -> {ShortName(edge.To)}");
        Assert.Empty(missing);
    }

    private static string MapRow(string map, string project) =>
        map.Split('\n').FirstOrDefault(line => line.StartsWith($"| `{project}` |", StringComparison.Ordinal)) ?? "";

    private static string ShortName(string project) => Path.GetFileNameWithoutExtension(project);

    private static bool IsProduct(string project) =>
        ProductFolders.Any(folder => project.StartsWith(folder, StringComparison.Ordinal));
}
