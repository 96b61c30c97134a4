using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Governance.Approvals;
using PitPlatform.Governance.Audit;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Processing.Archive;

namespace PitPlatform.Governance.Deletion;

/// <summary>
/// Runs the steps of an approved deletion in order, skipping those already done (table deletion_steps), and
/// completes it with a receipt: counts per store, the date by which data that only ages out (Kafka retention) is
/// gone. Each Postgres step commits with its step row; Kafka and archive steps are idempotent and recorded after
/// they succeed (purge_archive records each range-file rewrite before it overwrites the blob). So a driver killed at
/// any point resumes where it stopped, and the counts add up to exactly what was removed. One driver runs a request at
/// a time (a session advisory lock). Both hosts call this: the local host's driver and the Functions app's durable
/// activities.
/// </summary>
public class DeletionRunner(
    NpgsqlDataSource dataSource,
    GovernanceRequestStore store,
    AuditTrail audit,
    DeletionEvents events,
    EnvelopeProducer producer,
    TopicCatalog catalog,
    GovernanceOptions options,
    TimeProvider time,
    ILogger<DeletionRunner> logger,
    ArchiveRedactor archive,
    DeletionBarrier barrier,
    Access.ApiKeys.ApiKeyAuthenticator? authenticator = null
)
{
    private const int LockClass = 0x44454C45; // 'DELE'

    /// <summary>
    /// The steps, in order: the first waits for the consumers (<see cref="DeletionBarrier"/>), the last,
    /// <see cref="CompleteStep"/>, writes the receipt.
    /// </summary>
    public static readonly IReadOnlyList<string> Steps =
    [
        DeletionBarrier.Step,
        "collect_keys",
        "purge_nav_points",
        "purge_cell_state",
        "purge_llm_calls",
        "purge_usage_totals",
        "clear_processed_outputs",
        "tombstones",
        ArchiveStep,
        AccountStep,
        CompleteStep,
    ];

    /// <summary>
    /// An offboarding's keys, settings and tenant record (<see cref="OffboardingPurges"/>); nothing for other
    /// deletions.
    /// </summary>
    public const string AccountStep = "purge_account";

    /// <summary>Rewrites the archived range files that hold the scope's records without them.</summary>
    public const string ArchiveStep = "purge_archive";

    public const string CompleteStep = "complete";

    /// <summary>
    /// Runs what is left of request <paramref name="id"/>; false when another driver holds it or it is not approved.
    /// </summary>
    public virtual async Task<bool> RunAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (!await TryLockAsync(lockConnection, id, cancellationToken).ConfigureAwait(false))
            return false;
        try
        {
            foreach (var step in Steps)
            {
                var request = await store.FindAsync(id, cancellationToken).ConfigureAwait(false);
                if (request is not { State: GovernanceRequestState.Approved, Kind: DeletionRequests.Kind })
                    return false;
                var ran = await RunStepAsync(request, step, cancellationToken).ConfigureAwait(false);
                if (ran && step != CompleteStep && options.DeletionStepPause > TimeSpan.Zero)
                    await Task.Delay(options.DeletionStepPause, time, cancellationToken).ConfigureAwait(false);
            }
            return true;
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock($1, hashtext($2))", lockConnection);
            unlock.Parameters.Add(new() { Value = LockClass });
            unlock.Parameters.Add(new() { Value = id.ToString("D") });
            await unlock.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs one step unless it is done; true when it ran now. The Functions activities call this per step.
    /// </summary>
    public virtual async Task<bool> RunStepAsync(
        GovernanceRequest request,
        string step,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        var scope = DeletionScope.FromJson(request.Payload);
        var done = await DoneStepsAsync(request.Id, cancellationToken).ConfigureAwait(false);
        if (done.ContainsKey(step))
            return false;
        switch (step)
        {
            case DeletionBarrier.Step:
                var marks = await barrier.PassAsync(request, cancellationToken).ConfigureAwait(false);
                await RecordAsync(request.Id, step, [], marks, cancellationToken).ConfigureAwait(false);
                break;
            case "tombstones":
                await TombstonesAsync(request, done, cancellationToken).ConfigureAwait(false);
                break;
            case ArchiveStep:
                await PurgeArchiveAsync(request, scope, cancellationToken).ConfigureAwait(false);
                break;
            case CompleteStep:
                await CompleteAsync(request, scope, done, cancellationToken).ConfigureAwait(false);
                break;
            default:
                await PurgeAsync(request, scope, step, cancellationToken).ConfigureAwait(false);
                break;
        }
        logger.LogInformation("{Target} of tenant {Tenant}: step {Step} done", request.Target, request.Tenant, step);
        return true;
    }

    private async Task PurgeAsync(
        GovernanceRequest request,
        DeletionScope scope,
        string step,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var details = new JsonObject();
        Dictionary<string, long> counts;
        switch (step)
        {
            case "collect_keys":
                var keys = await DeletionPurges
                    .CollectKeysAsync(connection, transaction, request.Tenant, scope, cancellationToken)
                    .ConfigureAwait(false);
                details["keys"] = new JsonArray([.. keys.Select(k => (JsonNode)k)]);
                counts = [];
                break;
            case "purge_nav_points":
                counts = await DeletionPurges
                    .NavPointsAsync(connection, transaction, request.Tenant, scope, cancellationToken)
                    .ConfigureAwait(false);
                break;
            case "purge_cell_state":
                counts = await DeletionPurges
                    .CellStateAsync(connection, transaction, request.Tenant, scope, cancellationToken)
                    .ConfigureAwait(false);
                break;
            case "purge_llm_calls":
                counts = await DeletionPurges
                    .LlmCallsAsync(connection, transaction, request.Tenant, scope, cancellationToken)
                    .ConfigureAwait(false);
                break;
            case "purge_usage_totals":
                counts = await DeletionPurges
                    .UsageTotalsAsync(connection, transaction, request.Tenant, scope, cancellationToken)
                    .ConfigureAwait(false);
                break;
            case AccountStep:
                counts = await OffboardingPurges
                    .AccountAsync(connection, transaction, request.Tenant, scope, cancellationToken)
                    .ConfigureAwait(false);
                break;
            case "clear_processed_outputs":
                counts = await DeletionPurges
                    .ProcessedOutputsAsync(connection, transaction, request.Tenant, scope, cancellationToken)
                    .ConfigureAwait(false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(step), step, "not a deletion step");
        }
        await RecordStepAsync(connection, transaction, request.Id, step, counts, details, cancellationToken)
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        // The offboarded tenant's keys are gone: this instance stops honouring cached lookups of them at once (others
        // within the key cache's 5 s, and the tenant was suspended on approval anyway).
        if (step == AccountStep && scope.Offboarding)
            authenticator?.ForgetAll();
    }

    private async Task TombstonesAsync(
        GovernanceRequest request,
        IReadOnlyDictionary<string, (JsonObject Counts, JsonObject Details)> done,
        CancellationToken cancellationToken
    )
    {
        var keys =
            done.TryGetValue("collect_keys", out var collected) && collected.Details["keys"] is JsonArray array
                ? array.Select(k => (string)k!).ToList()
                : [];
        var compacted = catalog
            .Topics.Where(t => t.CleanupPolicy.Contains("compact", StringComparison.Ordinal))
            .Select(t => t.Name)
            .ToList();
        var produced = 0L;
        foreach (var topic in compacted)
        {
            foreach (var key in keys)
            {
                await producer.ProduceTombstoneAsync(topic, key, cancellationToken).ConfigureAwait(false);
                produced++;
            }
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await RecordStepAsync(
                connection,
                transaction,
                request.Id,
                "tombstones",
                new() { ["kafka.tombstones"] = produced },
                new JsonObject { ["topics"] = new JsonArray([.. compacted.Select(t => (JsonNode)t)]) },
                cancellationToken
            )
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task PurgeArchiveAsync(
        GovernanceRequest request,
        DeletionScope scope,
        CancellationToken cancellationToken
    )
    {
        // Totals come from the rewrites recorded for this request, so a run resumed after a crash counts earlier ones
        // too.
        var totals = await archive
            .RedactAsync(
                request.Id,
                request.Tenant,
                DeletionArchive.Matcher(request.Tenant, scope),
                DeletionArchive.Audit(audit, request.Id),
                cancellationToken
            )
            .ConfigureAwait(false);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await RecordStepAsync(
                connection,
                transaction,
                request.Id,
                ArchiveStep,
                new()
                {
                    ["archive.records"] = totals.RecordsRemoved,
                    ["archive.ranges_rewritten"] = totals.RangesRewritten,
                },
                new JsonObject(),
                cancellationToken
            )
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task CompleteAsync(
        GovernanceRequest request,
        DeletionScope scope,
        IReadOnlyDictionary<string, (JsonObject Counts, JsonObject Details)> done,
        CancellationToken cancellationToken
    )
    {
        var now = AuditHash.TruncateToMicroseconds(time.GetUtcNow());
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (_, (stepCounts, _)) in done)
        foreach (var (store, value) in stepCounts)
            counts[store] = (counts.TryGetValue(store, out var sum) ? sum : 0) + (long)value!;
        var agesOut = catalog
            .Topics.Where(t => t.CleanupPolicy.Contains("delete", StringComparison.Ordinal))
            .Select(t => (Topic: t.Name, GoneBy: now.AddDays(t.RetentionDays)))
            .OrderBy(t => t.Topic, StringComparer.Ordinal)
            .ToList();
        var goneBy = agesOut.Count == 0 ? now : agesOut.Max(t => t.GoneBy);
        var receipt = new JsonObject
        {
            ["request_id"] = request.Id.ToString("D"),
            ["scope"] = scope.ToJson(),
            ["completed_at"] = now.UtcDateTime.ToString("O"),
            ["counts"] = new JsonObject([.. counts.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))]),
            ["steps"] = new JsonArray([
                .. Steps
                    .Where(done.ContainsKey)
                    .Select(s => (JsonNode)new JsonObject { ["step"] = s, ["counts"] = done[s].Counts.DeepClone() }),
            ]),
            ["ages_out"] = new JsonArray([
                .. agesOut.Select(t =>
                    (JsonNode)
                        new JsonObject
                        {
                            ["store"] = "kafka",
                            ["topic"] = t.Topic,
                            ["gone_by"] = t.GoneBy.UtcDateTime.ToString("O"),
                        }
                ),
            ]),
            ["kafka_retention_gone_by"] = goneBy.UtcDateTime.ToString("O"),
        };

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var locked = await store
            .LockAsync(connection, transaction, request.Id, cancellationToken)
            .ConfigureAwait(false);
        if (locked is not { State: GovernanceRequestState.Approved })
            return;
        await RecordStepAsync(
                connection,
                transaction,
                request.Id,
                CompleteStep,
                [],
                new JsonObject(),
                cancellationToken
            )
            .ConfigureAwait(false);
        await store
            .CompleteAsync(connection, transaction, request.Id, receipt, now, cancellationToken)
            .ConfigureAwait(false);
        await audit
            .AppendAsync(
                connection,
                transaction,
                new AuditRecord(
                    request.Tenant,
                    AuditActor.ForSystem("deletion"),
                    "deletion.completed",
                    request.Target,
                    new JsonObject
                    {
                        ["counts"] = receipt["counts"]!.DeepClone(),
                        ["kafka_retention_gone_by"] = goneBy.UtcDateTime.ToString("O"),
                    }
                ),
                cancellationToken
            )
            .ConfigureAwait(false);
        // Announced before the commit: a completion that is recorded was announced (a repeat re-announces the same id).
        await events.CompletedAsync(request, scope, counts, goneBy, now, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RecordAsync(
        Guid id,
        string step,
        Dictionary<string, long> counts,
        JsonObject details,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await RecordStepAsync(connection, transaction, id, step, counts, details, cancellationToken)
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The finished steps of a request with their counts and details.</summary>
    public virtual async Task<IReadOnlyDictionary<string, (JsonObject Counts, JsonObject Details)>> DoneStepsAsync(
        Guid id,
        CancellationToken cancellationToken = default
    )
    {
        await using var command = dataSource.CreateCommand(
            "SELECT step, counts::text, details::text FROM deletion_steps WHERE request_id = $1"
        );
        command.Parameters.Add(new() { Value = id });
        var steps = new Dictionary<string, (JsonObject, JsonObject)>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            steps[reader.GetString(0)] = (
                JsonNode.Parse(reader.GetString(1))!.AsObject(),
                JsonNode.Parse(reader.GetString(2))!.AsObject()
            );
        return steps;
    }

    private static async Task RecordStepAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        Guid id,
        string step,
        Dictionary<string, long> counts,
        JsonObject details,
        CancellationToken cancellationToken
    )
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO deletion_steps (request_id, step, counts, details) VALUES ($1, $2, $3, $4)",
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = step });
        command.Parameters.Add(
            new()
            {
                Value = new JsonObject([
                    .. counts.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value)),
                ]).ToJsonString(),
                NpgsqlDbType = NpgsqlDbType.Jsonb,
            }
        );
        command.Parameters.Add(new() { Value = details.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> TryLockAsync(
        NpgsqlConnection connection,
        Guid id,
        CancellationToken cancellationToken
    )
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1, hashtext($2))", connection);
        command.Parameters.Add(new() { Value = LockClass });
        command.Parameters.Add(new() { Value = id.ToString("D") });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
