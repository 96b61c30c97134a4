using PitPlatform.Testing;

namespace PitPlatform.Sdk.Tests.Support;

/// <summary>
/// Clients pointed at a test pipeline (directly or through a proxy), with delays short enough for tests.
/// </summary>
internal static class SdkClients
{
    public static PitIngestionClientOptions FastOptions(Action<PitIngestionClientOptions>? configure = null)
    {
        var options = new PitIngestionClientOptions
        {
            FlushInterval = TimeSpan.FromMilliseconds(100),
            RetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(500),
            // Generous: the test machine is shared and sometimes heavily loaded.
            NetworkTimeout = TimeSpan.FromSeconds(30),
            DisposeTimeout = TimeSpan.FromSeconds(20),
        };
        configure?.Invoke(options);
        return options;
    }

    public static PitIngestionClient For(TestPipeline pipeline, Action<PitIngestionClientOptions>? configure = null) =>
        new(pipeline.Host.BaseAddress, pipeline.Host.DevKey.ToString(), FastOptions(configure));

    public static PitIngestionClient For(
        Uri endpoint,
        TestPipeline pipeline,
        Action<PitIngestionClientOptions>? configure = null
    ) => new(endpoint, pipeline.Host.DevKey.ToString(), FastOptions(configure));
}
