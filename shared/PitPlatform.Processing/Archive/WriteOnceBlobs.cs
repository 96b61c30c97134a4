using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace PitPlatform.Processing.Archive;

/// <summary>
/// Writes a blob only if no blob has its name (If-None-Match: *). When one exists, its bytes are compared: the same
/// bytes make the write a no-op (a redelivered range), other bytes are an <see cref="ArchiveConflictException"/>.
/// Uses stage + commit rather than Upload, which needs System.IO.Hashing (docs/BUILD.md).
/// </summary>
public static class WriteOnceBlobs
{
    public static async Task<bool> WriteAsync(BlobContainerClient container, string name, byte[] content, string contentType, CancellationToken cancellationToken)
    {
        var blob = container.GetBlockBlobClient(name);
        // One block per blob; its id is fixed-length, as Blob storage requires of all ids within a blob.
        var blockId = Convert.ToBase64String(SHA256.HashData(content).AsSpan(0, 16));
        try
        {
            using var stream = new MemoryStream(content, writable: false);
            await blob.StageBlockAsync(blockId, stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            await blob.CommitBlockListAsync([blockId], new CommitBlockListOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            var existing = (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToMemory();
            if (existing.Span.SequenceEqual(content)) return false;
            throw new ArchiveConflictException(name, ArchiveManifest.Sha256Hex(existing.Span), ArchiveManifest.Sha256Hex(content));
        }
    }
}
