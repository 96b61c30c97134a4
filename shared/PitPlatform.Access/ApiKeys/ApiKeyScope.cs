namespace PitPlatform.Access.ApiKeys;

/// <summary>What a key may do. Stored as lower-case text.</summary>
public static class ApiKeyScope
{
    public const string Ingest = "ingest";
    public const string Read = "read";
    public const string Admin = "admin";
    public const string Approver = "approver";

    public static readonly IReadOnlyList<string> All = [Ingest, Read, Admin, Approver];
}
