namespace PitPlatform.Contracts.Catalog;

/// <summary>A topic name that the catalog does not list; producing to it is a programming error.</summary>
public sealed class UnknownTopicException(string topic)
    : InvalidOperationException($"topic '{topic}' is not in the topic catalog (bicep/topics.yaml)")
{
    public string Topic { get; } = topic;
}
