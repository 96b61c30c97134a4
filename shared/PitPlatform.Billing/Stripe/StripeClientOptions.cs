namespace PitPlatform.Billing.Stripe;

/// <summary>
/// How a <see cref="StripeClient"/> talks to Stripe: where, how long one attempt may take, and the retry budget that
/// our client applies around Stripe.net (whose own retries are off). The API version is the one Stripe.net fixes.
/// </summary>
public class StripeClientOptions
{
    /// <summary>Stripe's API root.</summary>
    public static readonly Uri DefaultEndpoint = new("https://api.stripe.com/");

    /// <summary>Stripe's root for the v2 meter event stream.</summary>
    public static readonly Uri DefaultMeterEventsEndpoint = new("https://meter-events.stripe.com/");

    /// <summary>The Stripe-Version every request carries: fixed by the Stripe.net release, not by us.</summary>
    public static string ApiVersion => global::Stripe.StripeConfiguration.ApiVersion;

    /// <summary>Stripe's API root (PIT_STRIPE_API_BASE; tests and the local host point it at a stub).</summary>
    public Uri Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>
    /// The root of Stripe's v2 meter event stream. Null means Stripe's own when <see cref="Endpoint"/> is Stripe's, and
    /// <see cref="Endpoint"/> otherwise, so a stub or proxy stands in for both and nothing reaches Stripe behind its
    /// back.
    /// </summary>
    public Uri? MeterEventsEndpoint { get; set; }

    /// <summary>
    /// The longest one attempt may take; a timed-out attempt counts as a network error and is retried.
    /// </summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Retries after the first attempt, on 429, 5xx and network errors only (or as Stripe-Should-Retry says).
    /// </summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first backoff; each retry doubles it, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The cap on any one wait, including a server's Retry-After.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>The HTTP handler to send through; null uses a shared pooled one.</summary>
    public HttpMessageHandler? Transport { get; set; }

    internal Uri ResolvedMeterEventsEndpoint =>
        MeterEventsEndpoint ?? (Endpoint == DefaultEndpoint ? DefaultMeterEventsEndpoint : Endpoint);
}
