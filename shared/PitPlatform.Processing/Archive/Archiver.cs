using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Processing.DeadLetters;

namespace PitPlatform.Processing.Archive;

/// <summary>
/// Copies every archived topic (catalog <c>archived: true</c>) to Blob, per (topic, partition), as range files with a
/// manifest each. Each manifest holds the hash of the previous one, so the chain proves no range was altered, dropped
/// or inserted (<see cref="ArchiveVerifier"/>). The chain head in Postgres advances only after both blobs are written;
/// a redelivered record at or below the head is skipped, and re-archiving a range whose blobs exist is a no-op.
/// Blob or Postgres failures throw, so the host retries the batch; only records that are not envelopes are
/// dead-lettered. Tombstones (a key with an empty value, produced by deletions on compacted topics such as
/// pit.v1.acct.usage) are not events: they are left out of the archive without a dead letter, and the batch's offsets
/// are committed past them like any other.
/// </summary>
public sealed class Archiver(
    ArchiveStorage storage,
    NpgsqlDataSource database,
    TopicCatalog catalog,
    DeadLetterWriter deadLetters,
    ILogger<Archiver> logger
) : IRecordBatchHandler
{
    public const string Group = "archiver";

    /// <summary>
    /// A range file closes before it would pass this size; a batch larger than that becomes several ranges.
    /// </summary>
    public const long MaxRangeBytes = 32L * 1024 * 1024;

    /// <summary>Partitions of one batch archived at the same time.</summary>
    public const int MaxConcurrentPartitions = 8;

    public string ConsumerGroup => Group;

    /// <summary>
    /// Archiving is off every latency path: five seconds of gathering (up to the batch limit) mean far fewer, larger
    /// range files, and so far fewer blob requests competing with the latency paths for the cores (202 to NAV visible
    /// with every consumer in one local host, p50: 85 ms with one second, 48-53 ms with five).
    /// </summary>
    public TimeSpan BatchWindow => TimeSpan.FromSeconds(5);

    public IReadOnlyList<string> Topics { get; } = catalog.Topics.Where(t => t.Archived).Select(t => t.Name).ToArray();

    public async Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
            return;
        var container = await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var partitions = batch.GroupBy(r => (r.Topic, r.Partition));
        // Each partition holds a Postgres connection while its blobs are written: bound them, so a batch spread over
        // every partition of every archived topic cannot take the whole connection pool from the other consumers.
        await Parallel
            .ForEachAsync(
                partitions,
                new ParallelOptions
                {
                    MaxDegreeOfParallelism = MaxConcurrentPartitions,
                    CancellationToken = cancellationToken,
                },
                async (g, ct) =>
                    await ArchivePartitionAsync(
                            container,
                            g.Key.Topic,
                            g.Key.Partition,
                            g.DistinctBy(r => r.Offset).OrderBy(r => r.Offset).ToList(),
                            ct
                        )
                        .ConfigureAwait(false)
            )
            .ConfigureAwait(false);
    }

    private async Task ArchivePartitionAsync(
        Azure.Storage.Blobs.BlobContainerClient container,
        string topic,
        int partition,
        List<ConsumedRecord> records,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var head = await ArchiveChainStore
            .LockAsync(connection, transaction, topic, partition, cancellationToken)
            .ConfigureAwait(false);
        // A redelivered batch, or one that starts inside an archived range: only what lies past the head is new.
        var fresh = records.Where(r => r.Offset > (head?.LastOffset ?? ArchiveManifest.GenesisLastOffset)).ToList();
        var tombstones = fresh.RemoveAll(r => r.IsTombstone);
        if (tombstones > 0)
            logger.LogDebug(
                "{Group}: {Topic}[{Partition}] skipped {Count} tombstones (not events)",
                Group,
                topic,
                partition,
                tombstones
            );
        var byKind = fresh.ToLookup(r => ArchiveRangeFile.IsEnvelope(r.Value));
        var archivable = byKind[true].ToList();
        // Dead letters are acknowledged before the head moves past them: were it the other way round, a failed produce
        // would be redelivered below the head and skipped, and the dead letter lost. Their ids derive from the source
        // position, so producing them again after a retry repeats the same dead letter.
        var deadLettered = Task.WhenAll(
            byKind[false]
                .Select(r =>
                    deadLetters.WriteAsync(
                        r,
                        Group,
                        EnvelopeValidationOutcome.NotEnvelope.ToReason(),
                        "the archive keeps only records that parse as an EventEnvelope with an event_id",
                        null,
                        cancellationToken
                    )
                )
        );

        foreach (var range in SplitIntoRanges(archivable))
        {
            head = await WriteRangeAsync(container, topic, partition, range, head, cancellationToken)
                .ConfigureAwait(false);
            await ArchiveChainStore
                .AdvanceAsync(connection, transaction, head, cancellationToken)
                .ConfigureAwait(false);
        }
        await deadLettered.ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<ArchiveChainHead> WriteRangeAsync(
        Azure.Storage.Blobs.BlobContainerClient container,
        string topic,
        int partition,
        List<ConsumedRecord> range,
        ArchiveChainHead? previous,
        CancellationToken cancellationToken
    )
    {
        var first = range[0].Offset;
        var last = range[^1].Offset;
        var content = ArchiveRangeFile.Encode(range.Select(r => r.Value).ToList());
        var manifest = new ArchiveManifest(
            topic,
            partition,
            first,
            last,
            range.Count,
            PreviousLastOffset: previous?.LastOffset ?? ArchiveManifest.GenesisLastOffset,
            RangeBytes: content.Length,
            RangeSha256: ArchiveManifest.Sha256Hex(content),
            PreviousManifestSha256: previous?.ManifestSha256 ?? ArchiveManifest.GenesisSha256,
            // The record's append time, not the clock: the same range always gets the same manifest bytes.
            CreatedAt: range[^1].Timestamp
        );
        var manifestBytes = manifest.ToCanonicalJson();
        var rangeName = ArchiveNames.Range(topic, partition, first, last);
        var manifestName = ArchiveNames.Manifest(topic, partition, first, last);

        await RemoveUncommittedRangesAsync(container, topic, partition, first, rangeName, cancellationToken)
            .ConfigureAwait(false);
        // Both at once: until the head advances, nothing depends on their order (a half-written pair past the head is
        // completed or replaced by the next attempt, and the verifier never trusts a manifest without its range file).
        var written = await Task.WhenAll(
                WriteOnceBlobs.WriteAsync(container, rangeName, content, "application/octet-stream", cancellationToken),
                WriteOnceBlobs.WriteAsync(container, manifestName, manifestBytes, "application/json", cancellationToken)
            )
            .ConfigureAwait(false);
        var (wroteRange, wroteManifest) = (written[0], written[1]);
        if (manifest.GapBefore > 0)
            logger.LogWarning(
                "{Group}: {Topic}[{Partition}] offsets {From}..{To} were never seen by the archive "
                    + "(retention, compaction, or tombstones left out); recorded in {Manifest}",
                Group,
                topic,
                partition,
                manifest.PreviousLastOffset + 1,
                first - 1,
                manifestName
            );
        logger.LogDebug(
            "{Group}: {Range} ({Count} records, {Bytes} bytes){Repeat}",
            Group,
            rangeName,
            range.Count,
            content.Length,
            wroteRange || wroteManifest ? "" : ", already archived with identical bytes"
        );

        return new ArchiveChainHead(
            topic,
            partition,
            last,
            manifestName,
            ArchiveManifest.Sha256Hex(manifestBytes),
            (previous?.Ranges ?? 0) + 1,
            (previous?.Records ?? 0) + range.Count
        );
    }

    /// <summary>
    /// An archiver that stopped after writing blobs but before its head advanced leaves a range past the head. When
    /// the batch comes back with other boundaries, that range would overlap the new one and break the chain, so it is
    /// removed: nothing ever chained to it (the head, under this chain's lock, is before it).
    /// </summary>
    private async Task RemoveUncommittedRangesAsync(
        Azure.Storage.Blobs.BlobContainerClient container,
        string topic,
        int partition,
        long first,
        string keep,
        CancellationToken cancellationToken
    )
    {
        await foreach (
            var item in container
                .GetBlobsAsync(
                    BlobTraits.None,
                    BlobStates.None,
                    ArchiveNames.StartingAt(topic, partition, first),
                    cancellationToken: cancellationToken
                )
                .ConfigureAwait(false)
        )
        {
            if (item.Name == keep || item.Name == keep + ArchiveNames.ManifestSuffix)
                continue;
            logger.LogWarning(
                "{Group}: removing {Blob}, left past the chain head by an interrupted archive",
                Group,
                item.Name
            );
            await container
                .DeleteBlobIfExistsAsync(item.Name, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
    }

    private static IEnumerable<List<ConsumedRecord>> SplitIntoRanges(List<ConsumedRecord> records)
    {
        var range = new List<ConsumedRecord>();
        long bytes = 0;
        foreach (var record in records)
        {
            if (range.Count > 0 && bytes + 4 + record.Value.Length > MaxRangeBytes)
            {
                yield return range;
                range = [];
                bytes = 0;
            }
            range.Add(record);
            bytes += 4 + record.Value.Length;
        }
        if (range.Count > 0)
            yield return range;
    }
}
