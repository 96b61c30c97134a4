namespace PitPlatform.Processing.Usage;

/// <summary>The key of a <see cref="DailyUsage"/> row (usage_daily).</summary>
public sealed record DailyUsageKey(string Tenant, DateOnly Day, string Model, string Currency);
