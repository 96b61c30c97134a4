using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Keys;

namespace PitPlatform.Contracts.Envelopes;

/// <summary>The result of checking one record; <see cref="Envelope"/> is set whenever the bytes parsed.</summary>
public readonly record struct EnvelopeValidationResult(
    EnvelopeValidationOutcome Outcome,
    EventEnvelope? Envelope,
    CanonicalKey? Key,
    Guid EventId,
    string Detail
)
{
    public bool IsValid => Outcome == EnvelopeValidationOutcome.Valid;

    public static EnvelopeValidationResult Fail(
        EnvelopeValidationOutcome outcome,
        EventEnvelope? envelope,
        string detail
    ) => new(outcome, envelope, null, Guid.Empty, detail);
}
