using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Keys;

namespace PitPlatform.Contracts.Envelopes;

/// <summary>
/// Wraps a payload in an <see cref="EventEnvelope"/> with every invariant set (key fields, type, hash).
/// </summary>
public sealed class EnvelopeBuilder(TopicCatalog catalog, string producer)
{
    public string Producer { get; } = producer;

    public EventEnvelope Build(
        Guid eventId,
        DateTimeOffset ts,
        string topic,
        CanonicalKey key,
        IMessage payload,
        string? traceparent = null,
        string? tracestate = null
    )
    {
        var definition = catalog.Require(topic);
        var payloadType = payload.Descriptor.FullName;
        if (!definition.AllowsPayloadType(payloadType))
            throw new InvalidOperationException($"topic {topic} does not carry {payloadType}");
        var bytes = payload.ToByteArray();
        return new EventEnvelope
        {
            EventId = eventId.ToString("D"),
            Ts = Timestamp.FromDateTimeOffset(ts),
            Producer = Producer,
            Topic = topic,
            Key = key.ToString(),
            Tenant = key.Tenant ?? "",
            Series = key.Series ?? "",
            Cell = key.Cell ?? "",
            PayloadType = payloadType,
            // Both arrays are fresh and never touched again, so wrapping them without a copy is safe.
            Payload = UnsafeByteOperations.UnsafeWrap(bytes),
            PayloadSha256 = UnsafeByteOperations.UnsafeWrap(SHA256.HashData(bytes)),
            Traceparent = traceparent ?? "",
            Tracestate = tracestate ?? "",
        };
    }
}
