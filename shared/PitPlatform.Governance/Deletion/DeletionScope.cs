using System.Text.Json;
using System.Text.Json.Nodes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Keys;

namespace PitPlatform.Governance.Deletion;

/// <summary>
/// What a deletion removes within the requester's tenant: the whole tenant, one series, one cell of a series, or one
/// subject (a hashed user reference, the <c>user_ref_hash</c> ingestion stores: 64 lower-case hex characters).
/// </summary>
public sealed record DeletionScope(string Kind, string? Series = null, string? Cell = null, string? Subject = null)
{
    public const string Tenant = "tenant";
    public const string SeriesKind = "series";
    public const string CellKind = "cell";
    public const string SubjectKind = "subject";

    /// <summary>
    /// A whole tenant offboarded by an operator: besides its data, its keys, settings and tenant record go, and only
    /// operators (another principal than the requester) decide it. Never set from a tenant's own request body.
    /// </summary>
    public bool Offboarding { get; init; }

    /// <summary>The scope of an operator's offboarding of a tenant.</summary>
    public static DeletionScope OffboardTenant() => new(Tenant) { Offboarding = true };

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["scope"] = Kind };
        if (Series is not null)
            json["series"] = Series;
        if (Cell is not null)
            json["cell"] = Cell;
        if (Subject is not null)
            json["subject"] = Subject;
        if (Offboarding)
            json["offboarding"] = true;
        return json;
    }

    public static DeletionScope FromJson(JsonObject json) =>
        new((string)json["scope"]!, (string?)json["series"], (string?)json["cell"], (string?)json["subject"])
        {
            Offboarding =
                json["offboarding"] is JsonValue flag && flag.TryGetValue<bool>(out var offboarding) && offboarding,
        };

    /// <summary>Whether a stored request's payload is an offboarding (only operators see and decide those).</summary>
    public static bool IsOffboarding(JsonObject payload) => FromJson(payload).Offboarding;

    public Contracts.Events.V1.DeletionScope ToProto() =>
        new()
        {
            Kind = Kind switch
            {
                Tenant => DeletionScopeKind.Tenant,
                SeriesKind => DeletionScopeKind.Series,
                CellKind => DeletionScopeKind.Cell,
                _ => DeletionScopeKind.Subject,
            },
            Series = Series ?? "",
            Cell = Cell ?? "",
            SubjectHash = Subject ?? "",
        };

    /// <summary>
    /// Reads <c>{"scope": "tenant|series|cell|subject", "series", "cell", "subject", "tenant"?}</c>; returns the scope
    /// or the problem as (JSON pointer, message). A named tenant other than <paramref name="keyTenant"/> is a mismatch.
    /// </summary>
    public static (DeletionScope? Scope, string? Pointer, string? Problem, bool TenantMismatch) Parse(
        JsonElement body,
        string keyTenant
    )
    {
        if (
            body.TryGetProperty("tenant", out var tenant)
            && (tenant.ValueKind != JsonValueKind.String || tenant.GetString() != keyTenant)
        )
            return (null, "/tenant", "a deletion can only name the key's own tenant", true);
        var kind = Text(body, "scope");
        var series = Text(body, "series");
        var cell = Text(body, "cell");
        var subject = Text(body, "subject");
        switch (kind)
        {
            case Tenant:
                return series is null && cell is null && subject is null
                    ? (new DeletionScope(Tenant), null, null, false)
                    : (null, "/scope", "a tenant deletion names no series, cell or subject", false);
            case SeriesKind or CellKind:
                if (KeySegment.Check("series", series) is { } seriesError)
                    return (null, "/series", seriesError, false);
                if (kind == CellKind && KeySegment.Check("cell", cell) is { } cellError)
                    return (null, "/cell", cellError, false);
                if (kind == SeriesKind && cell is not null)
                    return (null, "/cell", "a series deletion names no cell (use scope cell)", false);
                if (subject is not null)
                    return (null, "/subject", "only a subject deletion names a subject", false);
                return (new DeletionScope(kind, series, kind == CellKind ? cell : null), null, null, false);
            case SubjectKind:
                if (subject is not { Length: 64 } || !subject.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
                    return (null, "/subject", "subject must be a user_ref_hash: 64 lower-case hex characters", false);
                return series is null && cell is null
                    ? (new DeletionScope(SubjectKind, Subject: subject), null, null, false)
                    : (null, "/scope", "a subject deletion names no series or cell", false);
            default:
                return (null, "/scope", "scope must be one of tenant, series, cell, subject", false);
        }
    }

    /// <summary>
    /// The key DeletionRequested/Approved/Completed are produced under: one key per request, so they stay in order.
    /// </summary>
    public CanonicalKey EventKey(string tenant) => CanonicalKey.ForSeries(tenant, Series ?? "governance");

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
