using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using PitPlatform.Contracts.Keys;

namespace PitPlatform.Governance.Audit;

/// <summary>
/// Appends entries to a tenant's tamper-evident audit chain (table audit_entries, migration 0012). Appends to one
/// tenant's chain are serialised by a transaction-scoped advisory lock, so each entry links to the one before it.
/// The table refuses updates and deletes; <see cref="AuditVerifier"/> detects what a superuser changed anyway.
/// </summary>
public partial class AuditTrail
{
    // Lock class of the per-tenant chain lock ('AUDT'); the second key is hashtext(tenant).
    private const int LockClass = 0x41554454;
    private readonly NpgsqlDataSource _dataSource = null!;
    private readonly TimeProvider _time = TimeProvider.System;

    public AuditTrail(NpgsqlDataSource dataSource, TimeProvider time)
    {
        _dataSource = dataSource;
        _time = time;
    }

    /// <summary>For mocking.</summary>
    protected AuditTrail() { }

    /// <summary>Appends in a transaction of its own.</summary>
    public virtual async Task<AuditEntry> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var entry = await AppendAsync(connection, transaction, record, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return entry;
    }

    /// <summary>
    /// Appends inside the caller's transaction, so the audited change and its entry commit (or roll back) together.
    /// The tenant's chain stays locked until that transaction ends: keep it short.
    /// </summary>
    public virtual async Task<AuditEntry> AppendAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        AuditRecord record,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(record);
        Validate(record);
        var previous = AuditHash.Genesis;
        var sequence = 1L;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(
                new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1, hashtext($2))")
                {
                    Parameters =
                    {
                        new() { Value = LockClass },
                        new() { Value = record.Tenant },
                    },
                }
            );
            batch.BatchCommands.Add(
                new NpgsqlBatchCommand(
                    "SELECT sequence, hash FROM audit_entries WHERE tenant = $1 ORDER BY sequence DESC LIMIT 1"
                )
                {
                    Parameters = { new() { Value = record.Tenant } },
                }
            );
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                sequence = reader.GetInt64(0) + 1;
                previous = reader.GetFieldValue<byte[]>(1);
            }
        }

        var at = AuditHash.TruncateToMicroseconds(_time.GetUtcNow());
        var details = AuditHash.CanonicalJson(WithPerson(record));
        var hash = AuditHash.Compute(
            record.Tenant,
            sequence,
            at,
            record.Actor,
            record.Action,
            record.Target,
            details,
            previous
        );
        await using (
            var insert = new NpgsqlCommand(
                """
                INSERT INTO audit_entries (tenant, sequence, at, principal, key_prefix, action, target, details, previous_hash, hash)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """,
                connection,
                transaction
            )
        )
        {
            insert.Parameters.Add(new() { Value = record.Tenant });
            insert.Parameters.Add(new() { Value = sequence });
            insert.Parameters.Add(new() { Value = at });
            insert.Parameters.Add(new() { Value = record.Actor.Principal });
            insert.Parameters.Add(
                new() { Value = (object?)record.Actor.KeyPrefix ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text }
            );
            insert.Parameters.Add(new() { Value = record.Action });
            insert.Parameters.Add(new() { Value = record.Target });
            insert.Parameters.Add(new() { Value = details, NpgsqlDbType = NpgsqlDbType.Json });
            insert.Parameters.Add(new() { Value = previous });
            insert.Parameters.Add(new() { Value = hash });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return new AuditEntry(
            sequence,
            record.Tenant,
            at,
            record.Actor,
            record.Action,
            record.Target,
            (JsonNode.Parse(details) as JsonObject)!,
            previous,
            hash
        );
    }

    private static void Validate(AuditRecord record)
    {
        if (KeySegment.Check("tenant", record.Tenant) is { } tenantError)
            throw new ArgumentException(tenantError, nameof(record));
        if (!ActionName().IsMatch(record.Action))
            throw new ArgumentException(
                $"audit actions are dotted lower-case verbs (deletion.requested), not '{record.Action}'",
                nameof(record)
            );
        if (string.IsNullOrWhiteSpace(record.Target))
            throw new ArgumentException("an audit entry needs a target", nameof(record));
        if (string.IsNullOrWhiteSpace(record.Actor?.Principal))
            throw new ArgumentException("an audit entry needs an actor", nameof(record));
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$")]
    private static partial Regex ActionName();

    /// <summary>
    /// A person's name and e-mail go into the entry's details (member <c>person</c>), hashed with the rest: the
    /// principal (<c>person:{subject}</c>) stays the stable identity, and the trail still says who that was when they
    /// acted.
    /// </summary>
    private static System.Text.Json.Nodes.JsonObject? WithPerson(AuditRecord record)
    {
        if (record.Actor.PersonName is null && record.Actor.PersonEmail is null)
            return record.Details;
        var details = (System.Text.Json.Nodes.JsonObject?)record.Details?.DeepClone() ?? [];
        details["person"] = new System.Text.Json.Nodes.JsonObject
        {
            ["name"] = record.Actor.PersonName,
            ["email"] = record.Actor.PersonEmail,
        };
        return details;
    }
}
