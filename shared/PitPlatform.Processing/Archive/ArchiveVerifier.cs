using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Npgsql;

namespace PitPlatform.Processing.Archive;

/// <summary>
/// Walks every archive chain from genesis: each manifest names the hash of the one before it, the range file it
/// describes has its hash, size and count, and its envelopes parse; offsets only increase; no blob lies outside the
/// chain; and the last manifest is the head Postgres holds. The first broken link of each chain is reported. A range
/// file whose hash differs from its manifest is intact only when audited redaction records (archive_redactions, each
/// backed by its archive.redacted audit entry) lead from the manifest's hash to the file's; it then holds the
/// manifest's count less the records they removed, and counts as redacted.
/// </summary>
public sealed class ArchiveVerifier(BlobContainerClient container, NpgsqlDataSource database)
{
    public async Task<ArchiveVerification> VerifyAsync(
        string? topic,
        int? partition,
        CancellationToken cancellationToken
    )
    {
        var prefix =
            topic is null ? ArchiveNames.Root
            : partition is null ? ArchiveNames.TopicPrefix(topic)
            : ArchiveNames.PartitionPrefix(topic, partition.Value);
        var heads = (
            await ArchiveChainStore.ReadAllAsync(database, topic, partition, cancellationToken).ConfigureAwait(false)
        ).ToDictionary(h => (h.Topic, h.Partition));
        var retentionMarks = await ArchiveRetentionMarks
            .ReadAllAsync(database, cancellationToken)
            .ConfigureAwait(false);
        var redactions = await ArchiveRedactionStore
            .ReadAuditedAsync(database, topic, partition, cancellationToken)
            .ConfigureAwait(false);
        var blobs = new Dictionary<(string Topic, int Partition), List<string>>();
        var strays = new List<string>();
        if (await container.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            await foreach (
                var item in container
                    .GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken: cancellationToken)
                    .ConfigureAwait(false)
            )
            {
                if (!ArchiveNames.TryParse(item.Name, out var name))
                {
                    strays.Add(item.Name);
                    continue;
                }
                if (!blobs.TryGetValue((name.Topic, name.Partition), out var names))
                    blobs[(name.Topic, name.Partition)] = names = [];
                names.Add(item.Name);
            }
        }

        var chains = new List<ChainVerification>();
        foreach (
            var key in blobs
                .Keys.Union(heads.Keys)
                .OrderBy(k => k.Topic, StringComparer.Ordinal)
                .ThenBy(k => k.Partition)
        )
        {
            var names = blobs.GetValueOrDefault(key) ?? [];
            var prunedThrough = retentionMarks.GetValueOrDefault(key, ArchiveManifest.GenesisLastOffset);
            chains.Add(
                await VerifyChainAsync(
                        key.Topic,
                        key.Partition,
                        names,
                        heads.GetValueOrDefault(key),
                        prunedThrough,
                        redactions,
                        cancellationToken
                    )
                    .ConfigureAwait(false)
            );
        }
        chains.AddRange(
            strays.Select(s => new ChainVerification(
                s,
                -1,
                0,
                0,
                null,
                null,
                0,
                s,
                "a blob under archive/ that the archiver never writes"
            ))
        );
        return new ArchiveVerification(chains);
    }

    private async Task<ChainVerification> VerifyChainAsync(
        string topic,
        int partition,
        List<string> names,
        ArchiveChainHead? head,
        long prunedThrough,
        IReadOnlyDictionary<string, List<ArchiveRedaction>> redactions,
        CancellationToken cancellationToken
    )
    {
        var manifests = names
            .Where(n => n.EndsWith(ArchiveNames.ManifestSuffix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        var rangeFiles = names
            .Where(n => !n.EndsWith(ArchiveNames.ManifestSuffix, StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
        var previousSha = ArchiveManifest.GenesisSha256;
        var previousLast = ArchiveManifest.GenesisLastOffset;
        var previousName = "genesis";
        var ranges = 0;
        var redacted = 0;
        long records = 0,
            gaps = 0;
        long? firstOffset = null;

        ChainVerification Broken(string at, string problem) =>
            new(
                topic,
                partition,
                ranges,
                records,
                firstOffset,
                ranges > 0 ? previousLast : null,
                gaps,
                at,
                problem,
                redacted
            );

        foreach (var manifestName in manifests)
        {
            var manifestBytes = await DownloadAsync(manifestName, cancellationToken).ConfigureAwait(false);
            if (manifestBytes is null)
                return Broken(manifestName, "the manifest disappeared while being verified");
            ArchiveManifest manifest;
            try
            {
                manifest = ArchiveManifest.Parse(manifestBytes.Value);
            }
            catch (FormatException e)
            {
                return Broken(manifestName, $"not a valid manifest ({e.Message})");
            }

            if (manifest.PreviousManifestSha256 != previousSha)
                return Broken(
                    manifestName,
                    $"its previous-manifest hash does not match {previousName}: a range before it was "
                        + "removed, altered, inserted or reordered"
                );
            if (
                manifest.Topic != topic
                || manifest.Partition != partition
                || ArchiveNames.Manifest(topic, partition, manifest.FirstOffset, manifest.LastOffset) != manifestName
            )
                return Broken(
                    manifestName,
                    $"it describes {manifest.Topic}/{manifest.Partition} offsets "
                        + $"{manifest.FirstOffset}..{manifest.LastOffset}, not the range its name says"
                );
            if (!manifest.ToCanonicalJson().AsSpan().SequenceEqual(manifestBytes.Value.Span))
                return Broken(manifestName, "its bytes are not the canonical form of its fields");
            if (
                manifest.PreviousLastOffset != previousLast
                || manifest.FirstOffset <= previousLast
                || manifest.LastOffset < manifest.FirstOffset
            )
                return Broken(
                    manifestName,
                    $"offsets do not follow on from {previousName} (previous last {previousLast}, this range "
                        + $"{manifest.FirstOffset}..{manifest.LastOffset}, it claims previous last "
                        + $"{manifest.PreviousLastOffset})"
                );
            if (manifest.Count < 1 || manifest.GapsWithin < 0)
                return Broken(
                    manifestName,
                    $"count {manifest.Count} does not fit offsets {manifest.FirstOffset}..{manifest.LastOffset}"
                );

            var rangeName = ArchiveNames.Range(topic, partition, manifest.FirstOffset, manifest.LastOffset);
            var content = rangeFiles.Remove(rangeName)
                ? await DownloadAsync(rangeName, cancellationToken).ConfigureAwait(false)
                : null;
            // Retention removes range files at or below the chain's mark and keeps their manifests, so the link still
            // counts.
            if (content is null && manifest.LastOffset <= prunedThrough)
            {
                firstOffset ??= manifest.FirstOffset;
                gaps += manifest.GapBefore + manifest.GapsWithin;
                ranges++;
                records += manifest.Count;
                previousSha = ArchiveManifest.Sha256Hex(manifestBytes.Value.Span);
                previousLast = manifest.LastOffset;
                previousName = manifestName;
                continue;
            }
            if (content is null)
                return Broken(rangeName, "the range file is missing");
            var expectedCount = (long)manifest.Count;
            var contentSha = ArchiveManifest.Sha256Hex(content.Value.Span);
            if (content.Value.Length != manifest.RangeBytes || contentSha != manifest.RangeSha256)
            {
                // Accepted only along recorded rewrites: the last one names this file's hash and size.
                var path = ArchiveRedactionStore.PathBetween(
                    redactions.GetValueOrDefault(rangeName) ?? [],
                    manifest.RangeSha256,
                    contentSha
                );
                if (path is not { Count: > 0 } || path[^1].NewBytes != content.Value.Length)
                    return Broken(
                        rangeName,
                        $"its sha256 or size differs from {manifestName} and no redaction record maps one to "
                            + "the other: the range file was altered"
                    );
                expectedCount -= path.Sum(r => (long)r.RecordsRemoved);
                redacted++;
            }
            IReadOnlyList<ReadOnlyMemory<byte>> values;
            try
            {
                values = ArchiveRangeFile.Decode(content.Value);
            }
            catch (FormatException e)
            {
                return Broken(rangeName, $"not a length-prefixed range file ({e.Message})");
            }
            if (values.Count != expectedCount)
                return Broken(
                    rangeName,
                    expectedCount == manifest.Count
                        ? $"it holds {values.Count} records, its manifest says {manifest.Count}"
                        : $"it holds {values.Count} records, its manifest says {manifest.Count} less "
                            + $"{manifest.Count - expectedCount} redacted"
                );
            var bad = values
                .Select((v, i) => (v, i))
                .FirstOrDefault(x => !ArchiveRangeFile.IsEnvelope(x.v.Span), (default, -1));
            if (bad.Item2 >= 0)
                return Broken(rangeName, $"record {bad.Item2} of the range does not parse as an envelope");

            firstOffset ??= manifest.FirstOffset;
            gaps += manifest.GapBefore + manifest.GapsWithin;
            ranges++;
            records += values.Count; // what the file holds now: a redacted range holds fewer than its manifest says
            previousSha = ArchiveManifest.Sha256Hex(manifestBytes.Value.Span);
            previousLast = manifest.LastOffset;
            previousName = manifestName;
        }

        if (rangeFiles.Count > 0)
            return Broken(rangeFiles.Order(StringComparer.Ordinal).First(), "a range file no manifest describes");
        if (head is null)
            return Broken(previousName, "Postgres holds no chain head for this partition, but Blob holds ranges");
        if (head.ManifestName != previousName || head.ManifestSha256 != previousSha || head.LastOffset != previousLast)
            return Broken(
                head.ManifestName,
                ranges == 0
                    ? "Postgres names this head, but Blob holds no ranges for the partition"
                    : $"the chain in Blob ends at {previousName}, but the Postgres head is {head.ManifestName} "
                        + $"(offset {head.LastOffset}): ranges at the end were removed or the head was not advanced"
            );
        return new ChainVerification(
            topic,
            partition,
            ranges,
            records,
            firstOffset,
            previousLast,
            gaps,
            null,
            null,
            redacted
        );
    }

    private async Task<ReadOnlyMemory<byte>?> DownloadAsync(string name, CancellationToken cancellationToken)
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
