using System.Text.Json.Nodes;

namespace PitPlatform.Governance.Audit;

/// <summary>
/// What to append to a tenant's audit chain. <paramref name="Action"/> is a dotted lower-case verb
/// (<c>deletion.requested</c>, <c>retention.swept</c>); <paramref name="Target"/> names what it acted on.
/// </summary>
public sealed record AuditRecord(
    string Tenant,
    AuditActor Actor,
    string Action,
    string Target,
    JsonObject? Details = null
);
