using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker;

/// <summary>
/// The Kafka trigger as the published 4.1.3 package declares it, reduced to the members PIT sets plus the ones that
/// shape the generated metadata. A member the app uses but this type lacks fails the local build; a member this type
/// has but the package lacks fails the GitHub workflow's build with the real package.
/// </summary>
[BindingCapabilities(KnownBindingCapabilities.FunctionLevelRetry)]
public sealed class KafkaTriggerAttribute(string brokerList, string topic)
    : TriggerBindingAttribute,
        ISupportCardinality
{
    public string BrokerList { get; } = brokerList;

    public string Topic { get; } = topic;

    public string? ConsumerGroup { get; set; }

    public BrokerAuthenticationMode AuthenticationMode { get; set; } = BrokerAuthenticationMode.NotSet;

    public string? Username { get; set; }

    public string? Password { get; set; }

    public BrokerProtocol Protocol { get; set; } = BrokerProtocol.NotSet;

    public long LagThreshold { get; set; } = 1000;

    public bool IsBatched { get; set; }

    Cardinality ISupportCardinality.Cardinality
    {
        get => IsBatched ? Cardinality.Many : Cardinality.One;
        set => IsBatched = value == Cardinality.Many;
    }
}
