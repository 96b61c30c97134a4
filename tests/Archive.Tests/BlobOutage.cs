using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using PitPlatform.LocalHost.Embedded;

namespace PitPlatform.Archive.Tests;

/// <summary>
/// Turns Blob storage unreachable on demand: while <see cref="Down"/> is set, every request is sent to a local port
/// where nothing listens, so the real HTTP transport fails to connect, exactly as during a storage outage.
/// </summary>
internal sealed class BlobOutage : HttpPipelinePolicy
{
    private readonly int _deadPort = FreePort.Find();
    private volatile bool _down;
    private int _refused;

    public bool Down
    {
        get => _down;
        set => _down = value;
    }

    /// <summary>Requests sent while the storage was down.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>A container client through this outage, with the SDK's own retries kept short.</summary>
    public BlobContainerClient Container(string connectionString, string containerName)
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(20);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        options.AddPolicy(this, HttpPipelinePosition.PerRetry);
        return new BlobServiceClient(connectionString, options).GetBlobContainerClient(containerName);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Redirect(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Redirect(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void Redirect(HttpMessage message)
    {
        if (!_down)
            return;
        Interlocked.Increment(ref _refused);
        message.Request.Uri.Port = _deadPort;
    }
}
