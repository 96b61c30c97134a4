using System.Security.Cryptography;
using Google.Protobuf;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Keys;
using static PitPlatform.Contracts.Envelopes.EnvelopeValidationOutcome;

namespace PitPlatform.Contracts.Envelopes;

/// <summary>
/// The one envelope check every consumer runs. Bad input is an outcome, never an exception, so a poison record
/// can be dead-lettered with its reason while its neighbours are applied.
/// </summary>
public sealed class EnvelopeValidator(TopicCatalog catalog)
{
    /// <summary>Parses and validates the value of a record read from <paramref name="topic"/>.</summary>
    public EnvelopeValidationResult Validate(ReadOnlySpan<byte> value, ReadOnlySpan<byte> recordKey, string topic)
    {
        EventEnvelope envelope;
        try
        {
            envelope = EventEnvelope.Parser.ParseFrom(value);
        }
        catch (InvalidProtocolBufferException e)
        {
            return EnvelopeValidationResult.Fail(NotEnvelope, null, e.Message);
        }
        return Validate(envelope, recordKey, topic);
    }

    /// <summary>
    /// Validates an already parsed envelope read from <paramref name="topic"/> under <paramref name="recordKey"/>.
    /// </summary>
    public EnvelopeValidationResult Validate(EventEnvelope envelope, ReadOnlySpan<byte> recordKey, string topic)
    {
        if (!Guid.TryParseExact(envelope.EventId, "D", out var eventId))
            return EnvelopeValidationResult.Fail(InvalidEnvelope, envelope, "event_id is not a UUID");
        if (envelope.Ts is null)
            return EnvelopeValidationResult.Fail(InvalidEnvelope, envelope, "ts is missing");
        if (envelope.Producer.Length == 0)
            return EnvelopeValidationResult.Fail(InvalidEnvelope, envelope, "producer is missing");
        if (envelope.PayloadType.Length == 0)
            return EnvelopeValidationResult.Fail(InvalidEnvelope, envelope, "payload_type is missing");
        if (envelope.PayloadSha256.Length != 32)
            return EnvelopeValidationResult.Fail(InvalidEnvelope, envelope, "payload_sha256 is not 32 bytes");
        if (envelope.Topic.Length > 0 && envelope.Topic != topic)
            return EnvelopeValidationResult.Fail(
                InvalidEnvelope,
                envelope,
                $"envelope names topic {envelope.Topic} but was read from {topic}"
            );
        var (outcome, key, detail) = CheckKey(envelope);
        if (outcome != Valid)
            return EnvelopeValidationResult.Fail(outcome, envelope, detail);
        if (!RecordKeyMatches(recordKey, envelope.Key))
            return EnvelopeValidationResult.Fail(KeyMismatch, envelope, "record key differs from the envelope key");

        var definition = catalog.Find(topic);
        if (definition is null || !definition.AllowsPayloadType(envelope.PayloadType))
            return EnvelopeValidationResult.Fail(
                PayloadTypeMismatch,
                envelope,
                $"{envelope.PayloadType} is not allowed on {topic}"
            );

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(envelope.Payload.Span, hash);
        if (!hash.SequenceEqual(envelope.PayloadSha256.Span))
            return EnvelopeValidationResult.Fail(
                PayloadHashMismatch,
                envelope,
                "payload_sha256 does not match payload"
            );

        return new EnvelopeValidationResult(Valid, envelope, key, eventId, "");
    }

    /// <summary>
    /// The key must be well-formed and agree with the tenant/series/cell fields. The common case (a tenant key that
    /// matches its fields) is checked span by span without allocating; only a failure parses the key to say why.
    /// </summary>
    private static (EnvelopeValidationOutcome, CanonicalKey?, string) CheckKey(EventEnvelope envelope)
    {
        if (
            envelope.Tenant.Length > 0
            && KeySegment.Check("tenant", envelope.Tenant) is null
            && KeySegment.Check("series", envelope.Series) is null
            && (envelope.Cell.Length == 0 || KeySegment.Check("cell", envelope.Cell) is null)
            && CanonicalKey.Equals(envelope.Key, envelope.Tenant, envelope.Series, envelope.Cell)
        )
            return (Valid, CanonicalKey.FromCheckedSegments(envelope.Tenant, envelope.Series, envelope.Cell), "");

        if (!CanonicalKey.TryParse(envelope.Key, out var key, out var reason))
            return (InvalidEnvelope, null, reason);
        var agrees = key.IsVenue
            ? envelope.Tenant.Length == 0 && envelope.Series.Length == 0 && envelope.Cell.Length == 0
            : key.Tenant == envelope.Tenant && key.Series == envelope.Series && (key.Cell ?? "") == envelope.Cell;
        return agrees
            ? (Valid, key, "")
            : (KeyMismatch, null, $"key {envelope.Key} disagrees with tenant/series/cell fields");
    }

    /// <summary>A validated key is ASCII, so its UTF-8 bytes are its characters.</summary>
    private static bool RecordKeyMatches(ReadOnlySpan<byte> recordKey, string envelopeKey)
    {
        if (recordKey.IsEmpty)
            return true; // a host that does not pass the record key (byte[][] fallback) cannot check it
        if (recordKey.Length != envelopeKey.Length)
            return false;
        for (var i = 0; i < recordKey.Length; i++)
        {
            if (recordKey[i] != envelopeKey[i])
                return false;
        }
        return true;
    }
}
