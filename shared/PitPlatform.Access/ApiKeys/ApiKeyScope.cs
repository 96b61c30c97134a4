namespace PitPlatform.Access.ApiKeys;

/// <summary>What a key may do. Stored as lower-case text.</summary>
public static class ApiKeyScope
{
    public const string Ingest = "ingest";
    public const string Read = "read";
    public const string Admin = "admin";
    public const string Approver = "approver";

    /// <summary>
    /// A platform operator: manages tenants (/v1/tenants) and belongs to none (<see cref="Tenants.OperatorKeys"/>).
    /// </summary>
    public const string Operator = "operator";

    /// <summary>The scopes within a tenant: those a tenant's admin may grant. Operator is not among them.</summary>
    public static readonly IReadOnlyList<string> All = [Ingest, Read, Admin, Approver];

    /// <summary>Every scope a stored key may hold.</summary>
    public static readonly IReadOnlyList<string> Known = [.. All, Operator];
}
