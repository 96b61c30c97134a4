using System.Text.Json.Nodes;

namespace PitPlatform.Governance.Audit;

/// <summary>
/// One stored entry of a tenant's audit chain. <paramref name="Sequence"/> counts from 1 per tenant;
/// <paramref name="Hash"/> is SHA-256 over every field and <paramref name="PreviousHash"/> (<see cref="AuditHash"/>).
/// </summary>
public sealed record AuditEntry(
    long Sequence,
    string Tenant,
    DateTimeOffset At,
    AuditActor Actor,
    string Action,
    string Target,
    JsonObject Details,
    byte[] PreviousHash,
    byte[] Hash
);
