using System.Globalization;

namespace PitPlatform.Processing.Nav;

/// <summary>
/// The time axis of a chart: a round step (a minute up to a year) giving at most eight ticks, with UTC labels.
/// </summary>
public sealed class TimeAxis
{
    private static readonly long[] StepSeconds =
    [
        60,
        300,
        900,
        1800,
        3600,
        3 * 3600,
        6 * 3600,
        12 * 3600,
        86_400,
        2 * 86_400,
        7 * 86_400,
        14 * 86_400,
        30 * 86_400,
        91 * 86_400,
        365 * 86_400,
    ];

    private TimeAxis(DateTime start, DateTime end, long stepSeconds)
    {
        Start = start;
        End = end;
        _stepTicks = stepSeconds * TimeSpan.TicksPerSecond;
    }

    private readonly long _stepTicks;

    public DateTime Start { get; }
    public DateTime End { get; }

    public static TimeAxis Covering(DateTime start, DateTime end)
    {
        if (end <= start)
        {
            start -= TimeSpan.FromMinutes(30);
            end += TimeSpan.FromMinutes(30);
        }
        var seconds = (end - start).Ticks / TimeSpan.TicksPerSecond;
        var step = StepSeconds.FirstOrDefault(s => seconds / s <= 8, StepSeconds[^1]);
        return new TimeAxis(start, end, step);
    }

    /// <summary>Multiples of the step since the Unix epoch, within the axis.</summary>
    public IEnumerable<DateTime> Ticks
    {
        get
        {
            var sinceEpoch = Start.Ticks - DateTime.UnixEpoch.Ticks;
            var first = DateTime.UnixEpoch.Ticks + (sinceEpoch + _stepTicks - 1) / _stepTicks * _stepTicks;
            for (var tick = first; tick <= End.Ticks; tick += _stepTicks)
                yield return new DateTime(tick, DateTimeKind.Utc);
        }
    }

    public string Label(DateTime tick) =>
        tick.ToString(_stepTicks >= TimeSpan.TicksPerDay ? "yyyy-MM-dd" : "MM-dd HH:mm", CultureInfo.InvariantCulture);
}
