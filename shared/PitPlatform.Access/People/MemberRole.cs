using PitPlatform.Access.ApiKeys;

namespace PitPlatform.Access.People;

/// <summary>
/// A person's role in a tenant and the scopes it grants: a viewer reads, an admin administers (keys, members,
/// retention, deletion requests) and reads, an approver decides and reads. People never ingest; services do, with keys.
/// </summary>
public static class MemberRole
{
    public const string Viewer = "viewer";
    public const string Admin = "admin";
    public const string Approver = "approver";

    public static readonly IReadOnlyList<string> All = [Viewer, Admin, Approver];

    public static IReadOnlySet<string> Scopes(string role) =>
        role switch
        {
            Admin => new HashSet<string>(StringComparer.Ordinal) { ApiKeyScope.Admin, ApiKeyScope.Read },
            Approver => new HashSet<string>(StringComparer.Ordinal) { ApiKeyScope.Approver, ApiKeyScope.Read },
            _ => new HashSet<string>(StringComparer.Ordinal) { ApiKeyScope.Read },
        };

    /// <summary>
    /// The scopes a person's keys may hold in the role: an admin makes keys of every tenant scope; approvers and
    /// viewers make none, so after a demotion only keys within their role's scopes stay.
    /// </summary>
    public static IReadOnlySet<string> KeyScopes(string role) =>
        role == Admin ? new HashSet<string>(ApiKeyScope.All, StringComparer.Ordinal) : Scopes(role);
}
