using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace PitPlatform.Processing.Archive;

/// <summary>
/// Writes a blob only if no blob has its name (If-None-Match: *). When one exists, its bytes are compared: the same
/// bytes make the write a no-op (a redelivered range), other bytes are an <see cref="ArchiveConflictException"/>.
/// </summary>
public static class WriteOnceBlobs
{
    public static async Task<bool> WriteAsync(
        BlobContainerClient container,
        string name,
        byte[] content,
        string contentType,
        CancellationToken cancellationToken
    )
    {
        var blob = container.GetBlockBlobClient(name);
        try
        {
            // One Put Blob: a range file is at most Archiver.MaxRangeBytes (32 MiB), far below the single-request
            // limit, so staging blocks would only add a round trip. The condition rides on the same request.
            using var stream = new MemoryStream(content, writable: false);
            await blob.UploadAsync(
                    stream,
                    new BlobUploadOptions
                    {
                        Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                        HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                    },
                    cancellationToken
                )
                .ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            var existing = (
                await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)
            ).Value.Content.ToMemory();
            if (existing.Span.SequenceEqual(content))
                return false;
            throw new ArchiveConflictException(
                name,
                ArchiveManifest.Sha256Hex(existing.Span),
                ArchiveManifest.Sha256Hex(content)
            );
        }
    }
}
