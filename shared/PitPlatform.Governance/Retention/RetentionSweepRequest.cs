using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;

namespace PitPlatform.Governance.Retention;

/// <summary>A RetentionSweep record that passed validation: its event id names the sweep.</summary>
internal sealed record RetentionSweepRequest(
    ConsumedRecord Record,
    EventEnvelope Envelope,
    Guid SweepId,
    string Tenant,
    DateTimeOffset Cutoff,
    int RetentionDays,
    DateTimeOffset EmittedAt
);
