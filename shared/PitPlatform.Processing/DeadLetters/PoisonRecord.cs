using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;

namespace PitPlatform.Processing.DeadLetters;

/// <summary>A record to dead-letter, with why.</summary>
public sealed record PoisonRecord(ConsumedRecord Record, string Reason, string Error, EventEnvelope? Envelope);
