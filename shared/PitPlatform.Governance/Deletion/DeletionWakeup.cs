namespace PitPlatform.Governance.Deletion;

/// <summary>Lets an approval wake the local deletion driver at once instead of at its next poll.</summary>
public sealed class DeletionWakeup : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0);

    public void Signal()
    {
        if (_signal.CurrentCount == 0)
            _signal.Release();
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}
