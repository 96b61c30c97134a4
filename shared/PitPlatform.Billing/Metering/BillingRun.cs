using System.Globalization;

namespace PitPlatform.Billing.Metering;

/// <summary>What one reporter run did (or, for a dry run, would do): reported, failed, skipped, left pending.</summary>
public sealed record BillingRun
{
    public bool DryRun { get; init; }

    /// <summary>Another instance held the reporter lock, so this run did nothing.</summary>
    public bool Busy { get; init; }

    /// <summary>Billing is off (no Stripe key configured), so nothing was sent.</summary>
    public bool Disabled { get; init; }

    public DateOnly From { get; init; }
    public DateOnly To { get; init; }

    /// <summary>Reports to send this run: pending ones from earlier runs, then new ones.</summary>
    public List<BillingReport> Planned { get; } = [];

    /// <summary>
    /// Delivered; AlreadyHeld means Stripe already had the identifier (a re-send after a lost answer).
    /// </summary>
    public List<(BillingReport Report, string? RequestId, bool AlreadyHeld)> Reported { get; } = [];

    public List<(BillingReport Report, string Error, bool Transient)> Failed { get; } = [];

    /// <summary>Usage not billed because the tenant has no Stripe customer (only the unreported part).</summary>
    public List<MeteredUsage> Skipped { get; } = [];

    /// <summary>Reports not attempted because Stripe kept failing transiently; the next run sends them.</summary>
    public int LeftPending { get; set; }

    public bool Succeeded => !Busy && Failed.Count == 0 && LeftPending == 0;

    /// <summary>One line per report, failure and skip, then a summary: what ./pit billing report prints.</summary>
    public IEnumerable<string> Lines()
    {
        if (Disabled)
            yield return "billing is off: PIT_STRIPE_SECRET_KEY is not set (dry runs still show what would be sent)";
        if (Busy)
        {
            yield return "another billing run holds the reporter lock; nothing done";
            yield break;
        }
        if (DryRun)
        {
            foreach (var r in Planned)
                yield return $"would send {r.EventName} {Value(r.Value)} for {r.Tenant} ({r.StripeCustomerId}) period "
                    + $"{Day(r.Period)} revision {r.Revision} identifier {r.Identifier}";
        }
        foreach (var (r, requestId, held) in Reported)
            yield return $"reported {r.EventName} {Value(r.Value)} for {r.Tenant} period {Day(r.Period)} revision "
                + $"{r.Revision}"
                + (held ? " (Stripe already held it)" : "")
                + $" [{requestId}]";
        foreach (var (r, error, transient) in Failed)
            yield return $"FAILED {r.EventName} {Value(r.Value)} for {r.Tenant} period {Day(r.Period)}: {error}"
                + (transient ? " (transient; retried next run)" : " (left pending; see docs/runbooks/billing.md)");
        foreach (var u in Skipped)
            yield return $"skipped {u.Meter} {Value(u.Quantity)} for {u.Tenant} period {Day(u.Period)}: "
                + "the tenant has no Stripe customer (./pit billing customers set)";
        yield return $"billing {(DryRun ? "dry run" : "run")} {Day(From)}..{Day(To)}: "
            + $"{(DryRun ? Planned.Count + " to send" : Reported.Count + " reported")}, "
            + $"{Failed.Count} failed, {LeftPending} left pending, {Skipped.Count} skipped";
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Value(long value) => value.ToString(CultureInfo.InvariantCulture);
}
