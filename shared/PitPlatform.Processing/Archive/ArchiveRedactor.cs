using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Npgsql;
using PitPlatform.Contracts.Envelope.V1;

namespace PitPlatform.Processing.Archive;

/// <summary>
/// Removes records from archived range files. Range files mix tenants, so a range that holds a matching record is
/// rewritten without it, keeping every other record's bytes and order; its manifest stays as it is. Each rewrite is
/// recorded (archive_redactions plus the caller's audit entry, one transaction) BEFORE the blob is overwritten, and the
/// overwrite is conditional on the ETag read, so a run killed anywhere is completed by the next one and a re-run over
/// rewritten files finds nothing left to remove. Only ranges at or below their chain head are touched (beyond it the
/// archiver may still replace them). <see cref="ArchiveVerifier"/> accepts a rewritten file along its records.
/// </summary>
public class ArchiveRedactor
{
    private const int Attempts = 3;
    private readonly ArchiveStorage _storage = null!;
    private readonly NpgsqlDataSource _database = null!;

    public ArchiveRedactor(ArchiveStorage storage, NpgsqlDataSource database)
    {
        _storage = storage;
        _database = database;
    }

    /// <summary>For mocking.</summary>
    protected ArchiveRedactor() { }

    /// <summary>
    /// Rewrites every range file holding a record <paramref name="matches"/> accepts. <paramref name="audit"/> appends
    /// the audit entry of a rewrite inside the recording transaction and returns its sequence. Returns the totals
    /// recorded for <paramref name="deletionId"/> so far (this run and any earlier one).
    /// </summary>
    public virtual async Task<ArchiveRedactionTotals> RedactAsync(
        Guid deletionId,
        string tenant,
        Func<EventEnvelope, bool> matches,
        Func<NpgsqlConnection, NpgsqlTransaction, ArchiveRedaction, CancellationToken, Task<long>> audit,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(matches);
        ArgumentNullException.ThrowIfNull(audit);
        var heads = await ArchiveChainStore
            .ReadAllAsync(_database, null, null, cancellationToken)
            .ConfigureAwait(false);
        if (heads.Count > 0)
        {
            var container = await _storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
            var redactions = await ArchiveRedactionStore
                .ReadAuditedAsync(_database, null, null, cancellationToken)
                .ConfigureAwait(false);
            foreach (var head in heads)
            {
                var manifests = new List<ArchiveBlobName>();
                await foreach (
                    var item in container
                        .GetBlobsAsync(
                            BlobTraits.None,
                            BlobStates.None,
                            ArchiveNames.PartitionPrefix(head.Topic, head.Partition),
                            cancellationToken: cancellationToken
                        )
                        .ConfigureAwait(false)
                )
                {
                    if (
                        ArchiveNames.TryParse(item.Name, out var name)
                        && name.IsManifest
                        && name.LastOffset <= head.LastOffset
                    )
                        manifests.Add(name);
                }
                foreach (var manifest in manifests.OrderBy(m => m.FirstOffset))
                    await RedactRangeAsync(
                            container,
                            manifest,
                            deletionId,
                            tenant,
                            matches,
                            audit,
                            redactions,
                            cancellationToken
                        )
                        .ConfigureAwait(false);
            }
        }
        return await TotalsAsync(deletionId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the rewrites recorded for a deletion add up to.</summary>
    public virtual async Task<ArchiveRedactionTotals> TotalsAsync(
        Guid deletionId,
        CancellationToken cancellationToken = default
    )
    {
        await using var command = _database.CreateCommand(
            "SELECT coalesce(sum(records_removed), 0)::bigint, count(*) FROM archive_redactions WHERE deletion_id = $1"
        );
        command.Parameters.Add(new() { Value = deletionId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new ArchiveRedactionTotals(reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Called between recording a rewrite and overwriting the blob (a seam for crash tests).</summary>
    protected virtual Task RecordedAsync(ArchiveRedaction redaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    private async Task RedactRangeAsync(
        BlobContainerClient container,
        ArchiveBlobName name,
        Guid deletionId,
        string tenant,
        Func<EventEnvelope, bool> matches,
        Func<NpgsqlConnection, NpgsqlTransaction, ArchiveRedaction, CancellationToken, Task<long>> audit,
        IReadOnlyDictionary<string, List<ArchiveRedaction>> redactions,
        CancellationToken cancellationToken
    )
    {
        var rangeName = ArchiveNames.Range(name.Topic, name.Partition, name.FirstOffset, name.LastOffset);
        var manifestBytes = await DownloadAsync(
                container,
                ArchiveNames.Manifest(name.Topic, name.Partition, name.FirstOffset, name.LastOffset),
                cancellationToken
            )
            .ConfigureAwait(false);
        if (manifestBytes is null)
            return;
        var manifest = ArchiveManifest.Parse(manifestBytes.Value.Content);
        for (var attempt = 1; ; attempt++)
        {
            var file = await DownloadAsync(container, rangeName, cancellationToken).ConfigureAwait(false);
            if (file is null)
                return; // removed by retention: nothing left to redact
            var values = ArchiveRangeFile.Decode(file.Value.Content);
            var kept = values.Where(v => !Matches(v.Span, matches)).Select(v => v.ToArray()).ToList();
            if (kept.Count == values.Count)
                return;

            // Only a file that is the archived one, or a recorded rewrite of it, is rewritten: recording a redaction of
            // an altered file would make the alteration look legitimate to the verifier.
            var currentSha = ArchiveManifest.Sha256Hex(file.Value.Content.Span);
            if (
                currentSha != manifest.RangeSha256
                && ArchiveRedactionStore.PathBetween(
                    redactions.GetValueOrDefault(rangeName) ?? [],
                    manifest.RangeSha256,
                    currentSha
                )
                    is null
            )
                throw new ArchiveConflictException(rangeName, currentSha, manifest.RangeSha256);

            var content = ArchiveRangeFile.Encode(kept);
            var redaction = new ArchiveRedaction(
                rangeName,
                name.Topic,
                name.Partition,
                name.FirstOffset,
                name.LastOffset,
                currentSha,
                ArchiveManifest.Sha256Hex(content),
                values.Count - kept.Count,
                content.Length,
                deletionId,
                tenant
            );
            await RecordAsync(redaction, audit, cancellationToken).ConfigureAwait(false);
            await RecordedAsync(redaction, cancellationToken).ConfigureAwait(false);
            try
            {
                await OverwriteAsync(container, rangeName, content, file.Value.ETag, cancellationToken)
                    .ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 409 or 412 && attempt < Attempts)
            {
                // Changed since it was read (another deletion, retention): read it again.
            }
        }
    }

    private async Task RecordAsync(
        ArchiveRedaction redaction,
        Func<NpgsqlConnection, NpgsqlTransaction, ArchiveRedaction, CancellationToken, Task<long>> audit,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // A run killed after recording finds the same rewrite recorded (the new content is derived from the old alone).
        if (
            await ArchiveRedactionStore
                .ExistsAsync(
                    connection,
                    transaction,
                    redaction.RangeName,
                    redaction.OriginalSha256,
                    redaction.NewSha256,
                    cancellationToken
                )
                .ConfigureAwait(false)
        )
            return;
        var sequence = await audit(connection, transaction, redaction, cancellationToken).ConfigureAwait(false);
        await ArchiveRedactionStore
            .InsertAsync(connection, transaction, redaction with { AuditSequence = sequence }, cancellationToken)
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static bool Matches(ReadOnlySpan<byte> value, Func<EventEnvelope, bool> matches)
    {
        try
        {
            var envelope = EventEnvelope.Parser.ParseFrom(value);
            return envelope.EventId.Length > 0 && matches(envelope);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return false;
        }
    }

    private static async Task OverwriteAsync(
        BlobContainerClient container,
        string name,
        byte[] content,
        ETag etag,
        CancellationToken cancellationToken
    )
    {
        // One Put Blob, conditional on the ETag read: a rewrite is never larger than the range file it replaces, and an
        // empty file (every record removed) is a zero-length Put.
        using var stream = new MemoryStream(content, writable: false);
        await container
            .GetBlockBlobClient(name)
            .UploadAsync(
                stream,
                new BlobUploadOptions
                {
                    Conditions = new BlobRequestConditions { IfMatch = etag },
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" },
                },
                cancellationToken
            )
            .ConfigureAwait(false);
    }

    private static async Task<(ReadOnlyMemory<byte> Content, ETag ETag)?> DownloadAsync(
        BlobContainerClient container,
        string name,
        CancellationToken cancellationToken
    )
    {
        try
        {
            var result = (
                await container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)
            ).Value;
            return (result.Content.ToMemory(), result.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}

/// <summary>What the range-file rewrites of one deletion removed: records, and range files rewritten.</summary>
public sealed record ArchiveRedactionTotals(long RecordsRemoved, long RangesRewritten);
