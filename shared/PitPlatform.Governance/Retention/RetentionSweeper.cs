using System.Text.Json.Nodes;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Processing.Archive;
using PitPlatform.Processing.DeadLetters;

namespace PitPlatform.Governance.Retention;

/// <summary>
/// Group retention-sweeper. For each RetentionSweep it deletes the tenant's rows older than the cutoff from every
/// table in <see cref="RetentionTables"/>, in chunks of <see cref="RetentionSettings.ChunkRows"/> rows each in its
/// own short transaction; idempotency rows and archive range files older than every tenant's retention; and appends
/// one audit entry (retention.swept) with the counts. The cutoff is never later than the tenant's current policy
/// allows, whatever the record says. A redelivered sweep resumes where it stopped (deleting is idempotent and the
/// counts are kept per chunk) and a completed one is skipped. Records that are not valid sweeps are dead-lettered.
/// </summary>
public class RetentionSweeper(
    NpgsqlDataSource database,
    TopicCatalog catalog,
    RetentionPolicyStore policies,
    ArchivePruner archive,
    RetentionAudit audit,
    DeadLetterWriter deadLetters,
    TimeProvider time,
    ILogger<RetentionSweeper> logger
) : IRecordBatchHandler
{
    public const string Group = "retention-sweeper";
    public const string Topic = "pit.v1.ops.retention_sweep";
    public const string ArchiveStore = "archive_range_files";

    private readonly EnvelopeValidator _validator = new(catalog);

    public string ConsumerGroup => Group;

    public IReadOnlyList<string> Topics { get; } = [Topic];

    public async Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
    {
        var poison = new List<PoisonRecord>();
        foreach (var record in batch)
        {
            // Sweeps run one after the other: each is bounded work in short transactions, and a failure (transient,
            // thrown) makes the host redeliver the batch, which resumes the sweeps that had not completed.
            if (Decode(record, poison) is { } sweep)
                await SweepAsync(sweep, cancellationToken).ConfigureAwait(false);
        }
        await Task.WhenAll(
                poison.Select(p =>
                    deadLetters.WriteAsync(p.Record, Group, p.Reason, p.Error, p.Envelope, cancellationToken)
                )
            )
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Called after each committed chunk; tests override it to stop a sweep half-way, as a crash would.
    /// </summary>
    protected virtual Task ChunkDeletedAsync(string store, long rows, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    private RetentionSweepRequest? Decode(ConsumedRecord record, List<PoisonRecord> poison)
    {
        var result = _validator.Validate(record.Value, record.Key, record.Topic);
        if (!result.IsValid)
        {
            poison.Add(new PoisonRecord(record, result.Outcome.ToReason(), result.Detail, result.Envelope));
            return null;
        }
        var envelope = result.Envelope!;
        RetentionSweep sweep;
        try
        {
            sweep = RetentionSweep.Parser.ParseFrom(envelope.Payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            poison.Add(new PoisonRecord(record, DeadLetterReason.InvalidPayload, e.Message, envelope));
            return null;
        }
        var problem =
            sweep.Tenant.Length == 0 ? "the sweep names no tenant"
            : sweep.Tenant != result.Key!.Tenant
                ? $"the sweep names tenant '{sweep.Tenant}' under the key of '{result.Key.Tenant}'"
            : sweep.Cutoff is null ? "the sweep has no cutoff"
            : sweep.RetentionDays < 1 ? $"retention_days must be positive, not {sweep.RetentionDays}"
            : null;
        if (problem is not null)
        {
            poison.Add(new PoisonRecord(record, DeadLetterReason.InvalidPayload, problem, envelope));
            return null;
        }
        return new RetentionSweepRequest(
            record,
            envelope,
            result.EventId,
            sweep.Tenant,
            sweep.Cutoff!.ToDateTimeOffset(),
            sweep.RetentionDays,
            envelope.Ts.ToDateTimeOffset()
        );
    }

    private async Task SweepAsync(RetentionSweepRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var policy = await policies.GetAsync(request.Tenant, cancellationToken).ConfigureAwait(false);
        // A sweep asks; the tenant's policy now decides the most it may take (the policy may have grown since).
        var allowed = policy.CutoffAt(now);
        var (cutoff, completed) = await RetentionSweepLedger
            .StartAsync(
                database,
                request.SweepId,
                request.Tenant,
                request.Cutoff < allowed ? request.Cutoff : allowed,
                cancellationToken
            )
            .ConfigureAwait(false);
        if (completed)
        {
            logger.LogInformation(
                "{Group}: sweep {Sweep} of tenant {Tenant} already completed",
                Group,
                request.SweepId,
                request.Tenant
            );
            return;
        }

        foreach (var table in RetentionTables.PerTenant)
            await DeleteInChunksAsync(request.SweepId, table, [request.Tenant, cutoff], cancellationToken)
                .ConfigureAwait(false);

        // Shared stores: only what is older than every tenant's retention, counted from when the sweep was asked for.
        var longest = await policies.LongestDaysAsync(cancellationToken).ConfigureAwait(false);
        var horizon = (request.EmittedAt < now ? request.EmittedAt : now) - TimeSpan.FromDays(longest);
        await DeleteInChunksAsync(request.SweepId, RetentionTables.ProcessedEvents, [horizon], cancellationToken)
            .ConfigureAwait(false);
        var rangeFiles = await archive.PruneAsync(horizon, cancellationToken).ConfigureAwait(false);
        if (rangeFiles > 0)
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await RetentionSweepLedger
                .AddAsync(connection, null, request.SweepId, ArchiveStore, rangeFiles, cancellationToken)
                .ConfigureAwait(false);
        }

        await using (var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var deleted = await RetentionSweepLedger
                .CompleteAsync(connection, tx, request.SweepId, cancellationToken)
                .ConfigureAwait(false);
            if (deleted is null)
                return; // another sweeper completed it meanwhile, with its audit entry
            var details = new JsonObject
            {
                ["sweep_id"] = request.SweepId.ToString("D"),
                ["cutoff"] = cutoff.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["retention_days"] = policy.Days,
                ["shared_horizon"] = horizon
                    .ToUniversalTime()
                    .ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["deleted"] = JsonNode.Parse(deleted),
            };
            await audit
                .SweptAsync(connection, tx, request.Tenant, request.SweepId, details, cancellationToken)
                .ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            logger.LogInformation(
                "{Group}: tenant {Tenant} swept to {Cutoff}: {Deleted}",
                Group,
                request.Tenant,
                cutoff,
                deleted
            );
        }
    }

    private async Task DeleteInChunksAsync(
        Guid sweepId,
        RetentionTable table,
        object[] arguments,
        CancellationToken cancellationToken
    )
    {
        var chunk = policies.Settings.ChunkRows;
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            int rows;
            await using (var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
            {
                await using var command = new NpgsqlCommand(table.ChunkSql, connection, tx);
                foreach (var argument in arguments)
                    command.Parameters.Add(new() { Value = argument });
                command.Parameters.Add(new() { Value = chunk });
                rows = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                if (rows > 0)
                    await RetentionSweepLedger
                        .AddAsync(connection, tx, sweepId, table.Name, rows, cancellationToken)
                        .ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            if (rows > 0)
                await ChunkDeletedAsync(table.Name, rows, cancellationToken).ConfigureAwait(false);
            if (rows < chunk)
                return;
        }
    }
}
