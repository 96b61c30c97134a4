namespace PitPlatform.Billing.Stripe;

/// <summary>
/// How a <see cref="StripeClient"/> talks to Stripe: the endpoint, the pinned API version, per-attempt timeout and the
/// retry budget. Defaults follow Stripe's own SDKs (two retries, exponential backoff with jitter).
/// </summary>
public class StripeClientOptions
{
    /// <summary>Stripe's API version this client's request and response shapes were written against.</summary>
    public const string PinnedApiVersion = "2025-04-30.basil";

    /// <summary>Stripe's API root (PIT_STRIPE_API_BASE; tests point it at a local stub).</summary>
    public Uri Endpoint { get; set; } = new("https://api.stripe.com/");

    /// <summary>Sent as Stripe-Version on every request, so an account-level upgrade never changes shapes under us.</summary>
    public string ApiVersion { get; set; } = PinnedApiVersion;

    /// <summary>The longest one attempt may take; a timed-out attempt counts as a network error and is retried.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt, on 429, 5xx and network errors only.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first backoff; each retry doubles it, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The cap on any one wait, including a server's Retry-After.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>The HTTP handler to send through; null uses a shared pooled one.</summary>
    public HttpMessageHandler? Transport { get; set; }
}
