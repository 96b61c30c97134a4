using Azure.Storage.Blobs;
using PitPlatform.LocalHost.Embedded;
using Xunit;

namespace PitPlatform.Testing;

/// <summary>
/// One Azurite per test run (from the repository's node_modules), or the account named by PIT_TEST_BLOB.
/// </summary>
public sealed class BlobFixture : IAsyncLifetime
{
    private AzuriteServer? _azurite;
    private string? _directory;

    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("PIT_TEST_BLOB") is { Length: > 0 } external)
        {
            ConnectionString = external;
            return;
        }
        _directory = Path.Combine(Path.GetTempPath(), "pit-tests", Guid.NewGuid().ToString("N")[..12], "azurite");
        _azurite = await AzuriteServer.StartAsync(_directory);
        ConnectionString = _azurite.ConnectionString;
    }

    /// <summary>A new, empty container for one test.</summary>
    public async Task<BlobContainerClient> CreateContainerAsync()
    {
        var container = new BlobServiceClient(ConnectionString).GetBlobContainerClient(
            "t" + Guid.NewGuid().ToString("N")[..20]
        );
        await container.CreateAsync();
        return container;
    }

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null)
            await _azurite.DisposeAsync();
        if (_directory is not null && Directory.Exists(_directory))
            Directory.Delete(Path.GetDirectoryName(_directory)!, recursive: true);
    }
}
