namespace PitPlatform.Processing.Usage;

/// <summary>The key of an events-per-day counter (events_daily): one tenant, UTC day and topic.</summary>
public sealed record DailyEventsKey(string Tenant, DateOnly Day, string Topic);
