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

    /// <summary>Validates an already parsed envelope read from <paramref name="topic"/> under <paramref name="recordKey"/>.</summary>
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
            return EnvelopeValidationResult.Fail(InvalidEnvelope, envelope, $"envelope names topic {envelope.Topic} but was read from {topic}");
        if (!CanonicalKey.TryParse(envelope.Key, out var key, out var reason))
            return EnvelopeValidationResult.Fail(InvalidEnvelope, envelope, reason);

        if (!KeyFieldsMatch(key, envelope))
            return EnvelopeValidationResult.Fail(KeyMismatch, envelope, $"key {envelope.Key} disagrees with tenant/series/cell fields");
        if (!RecordKeyMatches(recordKey, envelope.Key))
            return EnvelopeValidationResult.Fail(KeyMismatch, envelope, "record key differs from the envelope key");

        var definition = catalog.Find(topic);
        if (definition is null || !definition.AllowsPayloadType(envelope.PayloadType))
            return EnvelopeValidationResult.Fail(PayloadTypeMismatch, envelope, $"{envelope.PayloadType} is not allowed on {topic}");

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(envelope.Payload.Span, hash);
        if (!hash.SequenceEqual(envelope.PayloadSha256.Span))
            return EnvelopeValidationResult.Fail(PayloadHashMismatch, envelope, "payload_sha256 does not match payload");

        return new EnvelopeValidationResult(Valid, envelope, key, eventId, "");
    }

    private static bool KeyFieldsMatch(CanonicalKey key, EventEnvelope envelope) =>
        key.IsVenue
            ? envelope.Tenant.Length == 0 && envelope.Series.Length == 0 && envelope.Cell.Length == 0
            : key.Tenant == envelope.Tenant && key.Series == envelope.Series && (key.Cell ?? "") == envelope.Cell;

    private static bool RecordKeyMatches(ReadOnlySpan<byte> recordKey, string envelopeKey)
    {
        if (recordKey.IsEmpty) return true; // a host that does not pass the record key (byte[][] fallback) cannot check it
        Span<byte> expected = stackalloc byte[System.Text.Encoding.UTF8.GetMaxByteCount(envelopeKey.Length)];
        var length = System.Text.Encoding.UTF8.GetBytes(envelopeKey, expected);
        return recordKey.SequenceEqual(expected[..length]);
    }
}
