using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using PitPlatform.Governance.Audit;

namespace PitPlatform.Governance.Approvals;

/// <summary>Governance requests in Postgres (table governance_requests, migration 0013).</summary>
public class GovernanceRequestStore(NpgsqlDataSource dataSource)
{
    private const string Columns = """
        id, tenant, kind, payload::text, reason, state, requested_by, requested_key, requested_at, expires_at,
        decided_by, decided_key, decided_at, completed_at, receipt::text
        """;

    public virtual async Task InsertAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        GovernanceRequest request,
        CancellationToken cancellationToken
    )
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO governance_requests (id, tenant, kind, payload, reason, state, requested_by, requested_key, requested_at, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """,
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = request.Id });
        command.Parameters.Add(new() { Value = request.Tenant });
        command.Parameters.Add(new() { Value = request.Kind });
        command.Parameters.Add(new() { Value = request.Payload.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = request.Reason });
        command.Parameters.Add(new() { Value = request.State });
        command.Parameters.Add(new() { Value = request.RequestedBy.Principal });
        command.Parameters.Add(
            new() { Value = (object?)request.RequestedBy.KeyPrefix ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text }
        );
        command.Parameters.Add(new() { Value = request.RequestedAt });
        command.Parameters.Add(new() { Value = request.ExpiresAt });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The request, or null.</summary>
    public virtual async Task<GovernanceRequest?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(connection, null, id, forUpdate: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The request, locked for the rest of the transaction (decisions and completion serialise on it).
    /// </summary>
    public virtual Task<GovernanceRequest?> LockAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        Guid id,
        CancellationToken cancellationToken
    ) => ReadAsync(connection, transaction, id, forUpdate: true, cancellationToken);

    public virtual async Task DecideAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        Guid id,
        string state,
        AuditActor? decidedBy,
        DateTimeOffset at,
        CancellationToken cancellationToken
    )
    {
        await using var command = new NpgsqlCommand(
            "UPDATE governance_requests SET state = $2, decided_by = $3, decided_key = $4, decided_at = $5 "
                + "WHERE id = $1",
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = state });
        command.Parameters.Add(
            new() { Value = (object?)decidedBy?.Principal ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text }
        );
        command.Parameters.Add(
            new() { Value = (object?)decidedBy?.KeyPrefix ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text }
        );
        command.Parameters.Add(new() { Value = at });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public virtual async Task CompleteAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        Guid id,
        JsonObject? receipt,
        DateTimeOffset at,
        CancellationToken cancellationToken
    )
    {
        await using var command = new NpgsqlCommand(
            "UPDATE governance_requests SET state = 'completed', completed_at = $2, receipt = $3 WHERE id = $1",
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = at });
        command.Parameters.Add(
            new() { Value = (object?)receipt?.ToJsonString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb }
        );
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The tenant's requests, newest first, in <paramref name="state"/> when named; at most <paramref name="limit"/>.
    /// </summary>
    public virtual async Task<IReadOnlyList<GovernanceRequest>> ListAsync(
        string tenant,
        string? state,
        int limit,
        CancellationToken cancellationToken = default
    )
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {Columns} FROM governance_requests
            WHERE tenant = $1 AND ($2::text IS NULL OR state = $2) ORDER BY requested_at DESC, id LIMIT $3
            """
        );
        command.Parameters.Add(new() { Value = tenant });
        command.Parameters.Add(new() { Value = (object?)state ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = limit });
        var requests = new List<GovernanceRequest>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            requests.Add(Read(reader));
        return requests;
    }

    /// <summary>Ids of approved requests of <paramref name="kind"/> not yet completed, oldest first.</summary>
    public virtual async Task<IReadOnlyList<Guid>> ApprovedAsync(
        string kind,
        CancellationToken cancellationToken = default
    )
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id FROM governance_requests WHERE state = 'approved' AND kind = $1 ORDER BY decided_at, id"
        );
        command.Parameters.Add(new() { Value = kind });
        return await ReadIdsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ids of pending requests whose answer is overdue.</summary>
    public virtual async Task<IReadOnlyList<Guid>> OverdueAsync(
        DateTimeOffset now,
        CancellationToken cancellationToken = default
    )
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id FROM governance_requests WHERE state = 'pending' AND expires_at <= $1 ORDER BY expires_at, id"
        );
        command.Parameters.Add(new() { Value = now });
        return await ReadIdsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<Guid>> ReadIdsAsync(
        NpgsqlCommand command,
        CancellationToken cancellationToken
    )
    {
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            ids.Add(reader.GetGuid(0));
        return ids;
    }

    private static async Task<GovernanceRequest?> ReadAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        Guid id,
        bool forUpdate,
        CancellationToken cancellationToken
    )
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM governance_requests WHERE id = $1{(forUpdate ? " FOR UPDATE" : "")}",
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static GovernanceRequest Read(NpgsqlDataReader reader) =>
        new(
            reader.GetGuid(0),
            reader.GetString(1),
            reader.GetString(2),
            JsonNode.Parse(reader.GetString(3))!.AsObject(),
            reader.GetString(4),
            reader.GetString(5),
            new AuditActor(reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7)),
            reader.GetFieldValue<DateTimeOffset>(8),
            reader.GetFieldValue<DateTimeOffset>(9),
            reader.IsDBNull(10)
                ? null
                : new AuditActor(reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11)),
            reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
            reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13),
            reader.IsDBNull(14) ? null : JsonNode.Parse(reader.GetString(14))!.AsObject()
        );
}
