using System.Text.RegularExpressions;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace PitPlatform.Contracts.Catalog;

/// <summary>
/// The topic catalog, loaded from bicep/topics.yaml (embedded in this assembly). Nothing produces to a topic that is
/// not in it; consumers check payload types against it.
/// </summary>
public sealed partial class TopicCatalog
{
    public static readonly IReadOnlySet<string> Domains = new HashSet<string>([
        "exec",
        "acct",
        "risk",
        "policy",
        "strategy",
        "runtime",
        "checkpoint",
        "ops",
    ]);

    private static readonly Lazy<TopicCatalog> EmbeddedCatalog = new(LoadEmbedded);
    private readonly Dictionary<string, TopicDefinition> _byName;
    private readonly Dictionary<string, TopicDefinition> _byIngestType;

    private TopicCatalog(IReadOnlyList<TopicDefinition> topics)
    {
        Topics = topics;
        _byName = topics.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _byIngestType = topics
            .Where(t => t.IngestType is not null)
            .ToDictionary(t => t.IngestType!, StringComparer.Ordinal);
    }

    /// <summary>The catalog compiled into this build.</summary>
    public static TopicCatalog Embedded => EmbeddedCatalog.Value;

    public IReadOnlyList<TopicDefinition> Topics { get; }

    public TopicDefinition? Find(string topic) => _byName.GetValueOrDefault(topic);

    /// <summary>The topic named <paramref name="topic"/>; throws when the catalog has no such topic.</summary>
    public TopicDefinition Require(string topic) => Find(topic) ?? throw new UnknownTopicException(topic);

    public TopicDefinition? FindByIngestType(string type) => _byIngestType.GetValueOrDefault(type);

    public IEnumerable<string> IngestTypes => _byIngestType.Keys;

    public static TopicCatalog Parse(string yaml)
    {
        var document = new DeserializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .Build()
            .Deserialize<CatalogDocument>(yaml)
            ?? throw new InvalidDataException("topic catalog is empty");
        var topics = (document.Topics ?? []).Select(t => t.ToDefinition()).ToList();
        var problems = topics.SelectMany(Validate).ToList();
        var duplicates = topics.GroupBy(t => t.Name).Where(g => g.Count() > 1).Select(g => $"{g.Key}: listed twice");
        problems.AddRange(duplicates);
        if (problems.Count > 0)
            throw new InvalidDataException("topic catalog is invalid: " + string.Join("; ", problems));
        return new TopicCatalog(topics);
    }

    /// <summary>Every way <paramref name="topic"/> breaks the catalog rules.</summary>
    public static IEnumerable<string> Validate(TopicDefinition topic)
    {
        var match = TopicName().Match(topic.Name);
        if (!match.Success)
            yield return $"{topic.Name}: name must be pit.v{{N}}.{{domain}}.{{event}}";
        else if (!Domains.Contains(match.Groups["domain"].Value))
            yield return $"{topic.Name}: domain '{match.Groups["domain"].Value}' is not one of "
                + $"{string.Join(", ", Domains)}";
        if (topic.Partitions is < 1 or > 100)
            yield return $"{topic.Name}: partitions must be 1 to 100";
        if (topic.RetentionDays is < 1 or > 90)
            yield return $"{topic.Name}: retentionDays must be 1 to 90";
        if (topic.CleanupPolicy is not ("delete" or "compact" or "compact,delete"))
            yield return $"{topic.Name}: cleanupPolicy must be delete, compact or compact,delete";
        if (topic.PayloadTypes.Count == 0)
            yield return $"{topic.Name}: payloadTypes is empty";
        if (
            topic.IngestType is { } type
            && match.Success
            && type != $"{match.Groups["domain"].Value}.{match.Groups["event"].Value}"
        )
            yield return $"{topic.Name}: ingestType must be {{domain}}.{{event}} of the topic name";
    }

    private static TopicCatalog LoadEmbedded()
    {
        using var stream = typeof(TopicCatalog).Assembly.GetManifestResourceStream("PitPlatform.topics.yaml")
            ?? throw new InvalidOperationException("the topic catalog resource is missing from the build");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    [GeneratedRegex(@"^pit\.v(?<version>[1-9][0-9]*)\.(?<domain>[a-z]+)\.(?<event>[a-z][a-z0-9_]*)$")]
    private static partial Regex TopicName();

    private sealed class CatalogDocument
    {
        public List<TopicEntry>? Topics { get; set; }
    }

    private sealed class TopicEntry
    {
        public string Name { get; set; } = "";
        public string? IngestType { get; set; }
        public int Partitions { get; set; }
        public int RetentionDays { get; set; }
        public string CleanupPolicy { get; set; } = "delete";
        public List<string> PayloadTypes { get; set; } = [];
        public List<string> Producers { get; set; } = [];
        public List<string> ConsumerGroups { get; set; } = [];
        public bool Archived { get; set; }

        public TopicDefinition ToDefinition() =>
            new()
            {
                Name = Name,
                IngestType = IngestType,
                Partitions = Partitions,
                RetentionDays = RetentionDays,
                CleanupPolicy = CleanupPolicy,
                PayloadTypes = PayloadTypes.ToArray(),
                Producers = Producers.ToArray(),
                ConsumerGroups = ConsumerGroups.ToArray(),
                Archived = Archived,
            };
    }
}
