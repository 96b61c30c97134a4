using Microsoft.Extensions.Logging;
using PitPlatform.Billing.Stripe;
using PitPlatform.Billing.Tests.Support;

namespace PitPlatform.Billing.Tests.Stripe;

internal static class StubbedClient
{
    /// <summary>A client of the stub with short backoffs, so retry tests take milliseconds.</summary>
    public static StripeClient For(
        StripeStub stub,
        int maxRetries = 2,
        string secretKey = StripeStub.SecretKey,
        ILogger? logger = null
    ) =>
        new(
            secretKey,
            new StripeClientOptions
            {
                Endpoint = stub.Endpoint,
                MaxRetries = maxRetries,
                RetryDelay = TimeSpan.FromMilliseconds(10),
                MaxRetryDelay = TimeSpan.FromMilliseconds(200),
                NetworkTimeout = TimeSpan.FromSeconds(5),
            },
            logger
        );

    public static StripeMeterEventRequest Event(
        string identifier = "pit-test-1",
        string customer = "cus_NciAYcXfLnqBoz",
        long value = 25
    ) => new("pit_events", customer, value, DateTimeOffset.FromUnixTimeSeconds(1_764_547_199), identifier);
}
