namespace PitPlatform.Processing.Nav;

/// <summary>
/// The resolution of a NAV answer: every point (raw) or the last point of each fixed bucket. Buckets are aligned to
/// the Unix epoch in UTC, so a 1d bucket is a UTC calendar day. Each bucketed interval has a rollup in nav_rollups.
/// </summary>
public sealed record NavInterval(string Name, int Seconds)
{
    public static readonly NavInterval Raw = new("raw", 0);
    public static readonly NavInterval OneMinute = new("1m", 60);
    public static readonly NavInterval FiveMinutes = new("5m", 300);
    public static readonly NavInterval FifteenMinutes = new("15m", 900);
    public static readonly NavInterval OneHour = new("1h", 3600);
    public static readonly NavInterval OneDay = new("1d", 86_400);

    /// <summary>The bucketed intervals, finest first (the rollups 0008_nav_rollups.sql maintains).</summary>
    public static readonly IReadOnlyList<NavInterval> Bucketed =
    [
        OneMinute,
        FiveMinutes,
        FifteenMinutes,
        OneHour,
        OneDay,
    ];

    /// <summary>What auto aims below, per cell and currency.</summary>
    public const int AutoPointsPerSeries = 1000;

    public const string Auto = "auto";

    public static readonly IReadOnlyList<string> Names = ["raw", "1m", "5m", "15m", "1h", "1d", Auto];

    public bool IsRaw => Seconds == 0;

    public TimeSpan Length => TimeSpan.FromSeconds(Seconds);

    /// <summary>A named interval; null for auto or an unknown name.</summary>
    public static NavInterval? Named(string name) =>
        name == Raw.Name ? Raw : Bucketed.FirstOrDefault(i => i.Name == name);

    /// <summary>
    /// The finest bucketed interval that keeps a range under <see cref="AutoPointsPerSeries"/> buckets per cell and
    /// currency; 1d for anything longer. Raw is never chosen: its density is unknown without counting.
    /// </summary>
    public static NavInterval ForRange(TimeSpan range) =>
        Bucketed.FirstOrDefault(i => range.Ticks / i.Length.Ticks < AutoPointsPerSeries) ?? OneDay;
}
