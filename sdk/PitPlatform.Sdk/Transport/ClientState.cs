namespace PitPlatform.Sdk.Transport;

/// <summary>
/// A client's counters and its standing with the server, shared by the foreground and background paths.
/// </summary>
internal sealed class ClientState
{
    public long Dropped;
    public long Delivered;
    public long Rejected;
    public long Retries;

    /// <summary>
    /// The server's minimum SDK version when it is above this one; null while this version is supported.
    /// </summary>
    public volatile string? UnsupportedBecause;
}
