namespace PitPlatform.Billing.Metering;

/// <summary>
/// One meter event as recorded in billing_reports: the revision-th report of a tenant's usage on a meter for a UTC day,
/// holding only what earlier revisions did not. Pending until Stripe confirms it (or says it already holds it).
/// </summary>
public sealed record BillingReport(
    string Tenant,
    string Meter,
    DateOnly Period,
    int Revision,
    string Identifier,
    string EventName,
    string StripeCustomerId,
    long Value,
    DateTimeOffset EventTimestamp,
    string Status,
    int Attempts = 0,
    string? LastError = null
)
{
    public const string Pending = "pending";
    public const string Reported = "reported";

    public bool IsPending => Status == Pending;
}
