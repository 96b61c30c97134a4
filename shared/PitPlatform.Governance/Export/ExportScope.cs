using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using PitPlatform.Access.Http;
using PitPlatform.Contracts.Keys;

namespace PitPlatform.Governance.Export;

/// <summary>
/// What an export covers, always within the caller's tenant: the whole tenant, one series, one cell of a series, or
/// one subject (a hashed user reference, as stored in llm_calls.user_ref_hash).
/// </summary>
public sealed partial record ExportScope(string Kind, string Tenant, string? Series, string? Cell, string? Subject)
{
    public const string TenantKind = "tenant";
    public const string SeriesKind = "series";
    public const string CellKind = "cell";
    public const string SubjectKind = "subject";

    /// <summary>
    /// The audit target: <c>tenant/{t}</c>, <c>tenant/{t}/series/{s}</c>, <c>.../cell/{c}</c> or
    /// <c>tenant/{t}/subject/{hash}</c>.
    /// </summary>
    public string Target =>
        Kind switch
        {
            SeriesKind => $"tenant/{Tenant}/series/{Series}",
            CellKind => $"tenant/{Tenant}/series/{Series}/cell/{Cell}",
            SubjectKind => $"tenant/{Tenant}/subject/{Subject}",
            _ => $"tenant/{Tenant}",
        };

    /// <summary>Reads the scope from the query string; the failure is the 400 to send.</summary>
    public static (ExportScope? Scope, IResult? Failure) FromQuery(IQueryCollection query, string tenant)
    {
        var kind = query["scope"].ToString();
        string? Segment(string name, out IResult? failure)
        {
            failure = null;
            var value = query[name].ToString();
            if (value.Length == 0)
            {
                failure = Invalid(name, $"{name} is required for scope={kind}");
                return null;
            }
            if (KeySegment.Check(name, value) is { } problem)
                failure = Invalid(name, problem);
            return value;
        }
        IResult? failure = null;
        ExportScope? scope = kind switch
        {
            TenantKind => new(kind, tenant, null, null, null),
            SeriesKind => Segment("series", out failure) is { } s && failure is null
                ? new(kind, tenant, s, null, null)
                : null,
            CellKind => Segment("series", out failure) is { } s
            && failure is null
            && Segment("cell", out failure) is { } c
            && failure is null
                ? new(kind, tenant, s, c, null)
                : null,
            SubjectKind => SubjectHash().IsMatch(query["subject"].ToString())
                ? new(kind, tenant, null, null, query["subject"].ToString())
                : null,
            _ => null,
        };
        if (scope is not null)
            return (scope, null);
        return (
            null,
            failure
                ?? (
                    kind == SubjectKind
                        ? Invalid("subject", "subject must be the hashed user reference: 64 lower-case hex digits")
                        : Invalid("scope", "scope must be tenant, series, cell or subject")
                )
        );
    }

    private static IResult Invalid(string parameter, string message) =>
        ApiErrors.BadRequest("ERR_VALIDATION", message, new { parameter });

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex SubjectHash();
}
