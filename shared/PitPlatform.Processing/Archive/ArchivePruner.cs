using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Contracts.Envelope.V1;

namespace PitPlatform.Processing.Archive;

/// <summary>
/// Retention for the archive. Range files mix tenants, so a range goes only when every record in it is older than
/// the horizon (the longest retention any tenant has), and only as a prefix of its chain, oldest first: the first
/// range that still holds a newer record stops the walk. Only range files are deleted; their manifests (offsets,
/// counts and hashes, no tenant data) stay, so <see cref="ArchiveVerifier"/> still checks every link from genesis.
/// The chain's retention mark is raised before the deletes, so a crash in between leaves range files the next run
/// removes, and a missing range file above the mark is still reported as tampering.
/// </summary>
public sealed class ArchivePruner(ArchiveStorage storage, NpgsqlDataSource database, ILogger<ArchivePruner> logger)
{
    /// <summary>Returns how many range files this call deleted.</summary>
    public async Task<long> PruneAsync(DateTimeOffset horizon, CancellationToken cancellationToken)
    {
        var heads = await ArchiveChainStore.ReadAllAsync(database, null, null, cancellationToken).ConfigureAwait(false);
        if (heads.Count == 0)
            return 0;
        var marks = await ArchiveRetentionMarks.ReadAllAsync(database, cancellationToken).ConfigureAwait(false);
        var container = await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        long deleted = 0;
        foreach (var head in heads)
        {
            var mark = marks.GetValueOrDefault((head.Topic, head.Partition), ArchiveManifest.GenesisLastOffset);
            var manifests = new List<ArchiveBlobName>();
            var rangeFiles = new List<ArchiveBlobName>();
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
                if (!ArchiveNames.TryParse(item.Name, out var name) || name.LastOffset > head.LastOffset)
                    continue;
                (name.IsManifest ? manifests : rangeFiles).Add(name);
            }
            var newMark = mark;
            foreach (var manifest in manifests.Where(m => m.LastOffset > mark).OrderBy(m => m.FirstOffset))
            {
                if (!await ExpiredAsync(container, manifest, horizon, cancellationToken).ConfigureAwait(false))
                    break;
                newMark = manifest.LastOffset;
            }
            if (newMark > mark)
            {
                await ArchiveRetentionMarks
                    .RaiseAsync(database, head.Topic, head.Partition, newMark, horizon, cancellationToken)
                    .ConfigureAwait(false);
                logger.LogInformation(
                    "archive retention: {Topic}/{Partition} pruned through offset {Offset} (horizon {Horizon})",
                    head.Topic,
                    head.Partition,
                    newMark,
                    horizon
                );
            }
            foreach (var range in rangeFiles.Where(r => r.LastOffset <= newMark))
            {
                var blob = container.GetBlobClient(
                    ArchiveNames.Range(range.Topic, range.Partition, range.FirstOffset, range.LastOffset)
                );
                if (
                    (
                        await blob.DeleteIfExistsAsync(
                                DeleteSnapshotsOption.IncludeSnapshots,
                                cancellationToken: cancellationToken
                            )
                            .ConfigureAwait(false)
                    ).Value
                )
                    deleted++;
            }
        }
        return deleted;
    }

    /// <summary>Whether the manifest's range was appended before the horizon and every record in it is older.</summary>
    private static async Task<bool> ExpiredAsync(
        BlobContainerClient container,
        ArchiveBlobName name,
        DateTimeOffset horizon,
        CancellationToken cancellationToken
    )
    {
        var manifestBytes = await DownloadAsync(
                container,
                ArchiveNames.Manifest(name.Topic, name.Partition, name.FirstOffset, name.LastOffset),
                cancellationToken
            )
            .ConfigureAwait(false);
        if (manifestBytes is null)
            return false;
        ArchiveManifest manifest;
        try
        {
            manifest = ArchiveManifest.Parse(manifestBytes.Value);
        }
        catch (FormatException)
        {
            return false;
        } // a broken chain is the verifier's to report; retention leaves it as it is
        if (manifest.CreatedAt >= horizon)
            return false;
        var content = await DownloadAsync(
                container,
                ArchiveNames.Range(name.Topic, name.Partition, name.FirstOffset, name.LastOffset),
                cancellationToken
            )
            .ConfigureAwait(false);
        if (content is null)
            return false;
        try
        {
            foreach (var value in ArchiveRangeFile.Decode(content.Value))
            {
                var envelope = EventEnvelope.Parser.ParseFrom(value.Span);
                if (envelope.Ts is null || envelope.Ts.ToDateTimeOffset() >= horizon)
                    return false;
            }
        }
        catch (Exception e) when (e is FormatException or Google.Protobuf.InvalidProtocolBufferException)
        {
            return false;
        }
        return true;
    }

    private static async Task<ReadOnlyMemory<byte>?> DownloadAsync(
        BlobContainerClient container,
        string name,
        CancellationToken cancellationToken
    )
    {
        try
        {
            return (
                await container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)
            ).Value.Content.ToMemory();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
