using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Envelopes;
using Xunit;

namespace PitPlatform.Contracts.Tests;

public sealed class topic_catalog
{
    [Fact]
    public void the_embedded_catalog_lists_the_platform_topics()
    {
        var names = TopicCatalog.Embedded.Topics.Select(t => t.Name).ToHashSet();
        foreach (
            var required in new[]
            {
                "pit.v1.exec.trade_fill",
                "pit.v1.acct.nav_update",
                "pit.v1.runtime.llm_call",
                "pit.v1.acct.usage",
                "pit.v1.policy.deletion",
                "pit.v1.ops.retention_sweep",
                "pit.v1.ops.dead_letter",
            }
        )
            Assert.Contains(required, names);
    }

    [Fact]
    public void every_payload_type_in_the_catalog_is_a_known_protobuf_message()
    {
        foreach (var type in TopicCatalog.Embedded.Topics.SelectMany(t => t.PayloadTypes))
            Assert.NotNull(PayloadTypes.Registry.Find(type));
    }

    [Theory]
    [InlineData("pit.exec.trade_fill", "name must be")]
    [InlineData("pit.v1.sales.order", "domain 'sales'")]
    [InlineData("pit.v0.exec.trade_fill", "name must be")]
    [InlineData("PIT.v1.exec.trade_fill", "name must be")]
    public void topic_names_outside_the_rules_are_rejected(string name, string problem)
    {
        var yaml =
            $"topics:\n  - name: {name}\n    partitions: 1\n    retentionDays: 1\n    cleanupPolicy: "
            + "delete\n    payloadTypes: [x]\n";
        var error = Assert.Throws<InvalidDataException>(() => TopicCatalog.Parse(yaml));
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void an_unknown_cleanup_policy_and_a_duplicate_topic_are_rejected()
    {
        const string entry =
            "  - name: pit.v1.exec.a\n    partitions: 1\n    retentionDays: 1\n    cleanupPolicy: keep\n    "
            + "payloadTypes: [x]\n";
        var error = Assert.Throws<InvalidDataException>(() => TopicCatalog.Parse("topics:\n" + entry + entry));
        Assert.Contains("cleanupPolicy", error.Message);
        Assert.Contains("listed twice", error.Message);
    }

    [Fact]
    public void ingest_types_route_to_their_topic()
    {
        Assert.Equal("pit.v1.exec.trade_fill", TopicCatalog.Embedded.FindByIngestType("exec.trade_fill")!.Name);
        Assert.Null(TopicCatalog.Embedded.FindByIngestType("exec.nothing"));
    }

    [Fact]
    public void naming_prefixes_topics_and_groups_and_maps_back()
    {
        var naming = new KafkaNaming("t1.");
        Assert.Equal("t1.pit.v1.exec.trade_fill", naming.Topic("pit.v1.exec.trade_fill"));
        Assert.Equal("t1.nav-processor", naming.Group("nav-processor"));
        Assert.Equal("pit.v1.exec.trade_fill", naming.CatalogTopic("t1.pit.v1.exec.trade_fill"));
        Assert.Null(naming.CatalogTopic("t2.pit.v1.exec.trade_fill"));
    }
}

/// <summary>Nothing in the product names a topic that the catalog does not list.</summary>
public sealed class topics_named_in_code
{
    [Fact]
    public void every_topic_literal_in_the_source_is_in_the_catalog()
    {
        var pattern = new System.Text.RegularExpressions.Regex("\"(pit\\.v[0-9]+\\.[a-z0-9_]+\\.[a-z0-9_]+)\"");
        var known = TopicCatalog.Embedded.Topics.Select(t => t.Name).ToHashSet();
        var sources = new[] { "shared", "functions", "sdk" }
            .Select(d => Path.Combine(RepositoryFiles.Root, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories))
            .Where(f =>
                !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")
            )
            .ToList();
        Assert.NotEmpty(sources);

        var unknown = sources
            .SelectMany(f =>
                pattern
                    .Matches(File.ReadAllText(f))
                    .Select(m => (File: Path.GetRelativePath(RepositoryFiles.Root, f), Topic: m.Groups[1].Value))
            )
            .Where(x => !known.Contains(x.Topic))
            .Select(x => $"{x.File}: {x.Topic}")
            .ToList();

        Assert.Empty(unknown);
    }
}
