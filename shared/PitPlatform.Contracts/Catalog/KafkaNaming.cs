namespace PitPlatform.Contracts.Catalog;

/// <summary>
/// Maps catalog names to the names on a broker. In Azure the prefix is empty; tests and shared development brokers
/// give each run its own prefix so runs never see each other's records or offsets. Envelopes always carry the
/// catalog (logical) topic name.
/// </summary>
public sealed record KafkaNaming(string Prefix = "")
{
    public static readonly KafkaNaming Default = new();

    public string Topic(string catalogTopic) => Prefix + catalogTopic;

    public string Group(string catalogGroup) => Prefix + catalogGroup;

    /// <summary>The catalog name of a broker topic, or null when the topic is outside this prefix.</summary>
    public string? CatalogTopic(string brokerTopic) =>
        brokerTopic.StartsWith(Prefix, StringComparison.Ordinal) ? brokerTopic[Prefix.Length..] : null;
}
