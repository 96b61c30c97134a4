using System.Text;
using Azure;
using Azure.Storage.Blobs.Specialized;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Infrastructure.Tests;

/// <summary>
/// The Blob paths the platform relies on work against Azurite with the package set that restores here.
/// </summary>
public sealed class blob_storage(BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task staged_blocks_commit_into_a_blob_that_downloads_byte_for_byte()
    {
        var container = await blob.CreateContainerAsync();
        var client = container.GetBlockBlobClient("archive/pit.v1.exec.trade_fill/0/0-99");
        var parts = new[] { new byte[3 * 1024 * 1024], Encoding.UTF8.GetBytes("tail") };
        Random.Shared.NextBytes(parts[0]);
        var ids = new List<string>();
        for (var i = 0; i < parts.Length; i++)
        {
            var id = Convert.ToBase64String(BitConverter.GetBytes(i));
            await client.StageBlockAsync(id, new MemoryStream(parts[i]), cancellationToken: Ct);
            ids.Add(id);
        }
        await client.CommitBlockListAsync(ids, cancellationToken: Ct);

        var downloaded = (await client.DownloadContentAsync(Ct)).Value.Content.ToArray();
        Assert.Equal(parts.SelectMany(p => p).ToArray(), downloaded);
    }

    [Fact]
    public async Task a_missing_blob_is_a_404_request_failure()
    {
        var container = await blob.CreateContainerAsync();
        var error = await Assert.ThrowsAsync<RequestFailedException>(() =>
            container.GetBlobClient("nothing").DownloadContentAsync(Ct)
        );
        Assert.Equal(404, error.Status);
    }
}
