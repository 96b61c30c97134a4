using Azure.Storage.Blobs;

namespace PitPlatform.Processing.Archive;

/// <summary>The archive's Blob container (setting PIT_ARCHIVE_CONTAINER), created on first use.</summary>
public sealed class ArchiveStorage(BlobContainerClient container)
{
    public const string DefaultContainer = "pit-archive";

    private volatile bool _created;

    public BlobContainerClient Container { get; } = container;

    public async Task<BlobContainerClient> ReadyAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            _created = true;
        }
        return Container;
    }
}
