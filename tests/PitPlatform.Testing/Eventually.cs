namespace PitPlatform.Testing;

/// <summary>Polls a condition of an asynchronous pipeline until it holds or the time is up.</summary>
public static class Eventually
{
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value))
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out after {timeout} waiting for {what}; last value: {value}");
            await Task.Delay(50);
        }
    }
}
