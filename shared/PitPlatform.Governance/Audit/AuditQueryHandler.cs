using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Http;

namespace PitPlatform.Governance.Audit;

/// <summary>
/// GET /v1/audit?from=&amp;to=&amp;limit=&amp;page_token=: the key's tenant's audit entries in chain order, each with
/// its previous hash and hash (hex), so a client can re-check the links it was given. Needs the admin or approver
/// scope. Keyset paging on the sequence; <c>meta.next_page_token</c> is present when more entries follow.
/// </summary>
public sealed class AuditQueryHandler(
    RequestAuthentication authentication,
    NpgsqlDataSource database,
    ILogger<AuditQueryHandler> logger
)
{
    public const int DefaultLimit = 1000;
    public const int MaxLimit = 10_000;

    public Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken) =>
        OutageGuard.RunAsync(() => HandleCoreAsync(request, cancellationToken), logger, "GET /v1/audit");

    private async Task<IResult> HandleCoreAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (principal, refused) = await authentication
            .AuthenticateAsync(request, cancellationToken)
            .ConfigureAwait(false);
        if (principal is null)
            return refused!;
        if (!principal.Has(ApiKeyScope.Admin) && !principal.Has(ApiKeyScope.Approver))
            return ApiErrors.MissingScope(ApiKeyScope.Admin);

        if (QueryParameters.TimeRange(request, out var from, out var to) is { } badTimes)
            return badTimes;
        if (QueryParameters.Limit(request, DefaultLimit, MaxLimit, out var limit) is { } badLimit)
            return badLimit;
        var after = 0L;
        if (request.Query["page_token"].FirstOrDefault() is { } token && !AuditPageToken.TryRead(token, out after))
            return Bad("page_token is not a token this query returned; start again without it", "page_token");

        await using var command = database.CreateCommand(
            """
            SELECT sequence, at, principal, key_prefix, action, target, details::text, previous_hash, hash
            FROM audit_entries
            WHERE tenant = $1 AND sequence > $2 AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at <= $4)
            ORDER BY sequence LIMIT $5
            """
        );
        command.Parameters.Add(new() { Value = principal.Tenant });
        command.Parameters.Add(new() { Value = after });
        command.Parameters.Add(
            new() { Value = (object?)from ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz }
        );
        command.Parameters.Add(
            new() { Value = (object?)to ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz }
        );
        command.Parameters.Add(new() { Value = limit + 1 });
        var entries = new List<AuditEntryView>(Math.Min(limit, 1024));
        var more = false;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (entries.Count == limit)
                {
                    more = true;
                    break;
                }
                entries.Add(
                    new AuditEntryView(
                        reader.GetInt64(0),
                        reader.GetFieldValue<DateTimeOffset>(1).UtcDateTime,
                        reader.GetString(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3),
                        reader.GetString(4),
                        reader.GetString(5),
                        JsonNode.Parse(reader.GetString(6))!.AsObject(),
                        Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(7)),
                        Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(8))
                    )
                );
            }
        }
        var next = more ? AuditPageToken.Write(entries[^1].Sequence) : null;
        return Results.Json(
            new AuditResponse(entries, new AuditMeta(from?.UtcDateTime, to?.UtcDateTime, entries.Count, limit, next)),
            ApiJson.Options
        );
    }

    private static IResult Bad(string message, string parameter) =>
        ApiErrors.BadRequest("ERR_VALIDATION", message, new { parameter });
}

/// <summary>One entry as GET /v1/audit returns it; hashes in lower-case hex.</summary>
public sealed record AuditEntryView(
    long Sequence,
    DateTime At,
    string Principal,
    string? KeyPrefix,
    string Action,
    string Target,
    JsonObject Details,
    string PreviousHash,
    string Hash
);

public sealed record AuditMeta(DateTime? From, DateTime? To, int Count, int Limit, string? NextPageToken);

public sealed record AuditResponse(IReadOnlyList<AuditEntryView> Data, AuditMeta Meta);
