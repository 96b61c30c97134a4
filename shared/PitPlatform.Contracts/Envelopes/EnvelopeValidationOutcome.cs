namespace PitPlatform.Contracts.Envelopes;

/// <summary>Why a record is or is not a usable envelope. The snake_case names are the dead-letter reasons.</summary>
public enum EnvelopeValidationOutcome
{
    Valid,

    /// <summary>not_envelope: the bytes do not parse as an EventEnvelope.</summary>
    NotEnvelope,

    /// <summary>invalid_envelope: a required field is missing or malformed.</summary>
    InvalidEnvelope,

    /// <summary>key_mismatch: the key disagrees with tenant/series/cell (cross-tenant leakage guard).</summary>
    KeyMismatch,

    /// <summary>payload_type_mismatch: the payload type is not allowed on the topic.</summary>
    PayloadTypeMismatch,

    /// <summary>payload_hash_mismatch: payload_sha256 is not the SHA-256 of payload.</summary>
    PayloadHashMismatch,
}

public static class EnvelopeValidationOutcomeExtensions
{
    public static string ToReason(this EnvelopeValidationOutcome outcome) =>
        outcome switch
        {
            EnvelopeValidationOutcome.Valid => "valid",
            EnvelopeValidationOutcome.NotEnvelope => "not_envelope",
            EnvelopeValidationOutcome.InvalidEnvelope => "invalid_envelope",
            EnvelopeValidationOutcome.KeyMismatch => "key_mismatch",
            EnvelopeValidationOutcome.PayloadTypeMismatch => "payload_type_mismatch",
            EnvelopeValidationOutcome.PayloadHashMismatch => "payload_hash_mismatch",
            _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
        };
}
