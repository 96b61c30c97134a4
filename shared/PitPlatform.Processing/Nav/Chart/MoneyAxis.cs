using System.Globalization;
using System.Text;

namespace PitPlatform.Processing.Nav;

/// <summary>
/// The NAV axis of a chart: round tick values (1, 2, 2.5 or 5 times a power of ten, in micros) covering a range, and
/// labels in money units such as "1.5M USD". Integer arithmetic only: money never passes through a float.
/// </summary>
public sealed class MoneyAxis
{
    private static readonly (long Micros, string Suffix)[] Scales =
    [
        (1_000_000_000_000_000, "B"),
        (1_000_000_000_000, "M"),
        (1_000_000_000, "K"),
    ];

    private MoneyAxis(Int128 low, Int128 high, Int128 step, string currency)
    {
        Low = low;
        High = high;
        Step = step;
        var largest = Int128.Max(Int128.Abs(low), Int128.Abs(high));
        (_divisor, _suffix) = (1_000_000, "");
        foreach (var (micros, suffix) in Scales)
        {
            if (largest < micros)
                continue;
            (_divisor, _suffix) = (micros, suffix);
            break;
        }
        // As many decimals as the step needs to be exact in the chosen unit.
        while (_decimals < 6 && step * Pow10(_decimals) % _divisor != 0)
            _decimals++;
        Currency = currency;
    }

    private readonly Int128 _divisor;
    private readonly string _suffix;
    private readonly int _decimals;

    public Int128 Low { get; }
    public Int128 High { get; }
    public Int128 Step { get; }
    public string Currency { get; }

    public IEnumerable<Int128> Ticks
    {
        get
        {
            for (var tick = Low; tick <= High; tick += Step)
                yield return tick;
        }
    }

    /// <summary>An axis whose ends are multiples of a round step, about five steps apart, around every value.</summary>
    public static MoneyAxis Covering(long min, long max, string currency)
    {
        var range = (Int128)max - min;
        var rough = Int128.Max(range / 5, 1);
        Int128 magnitude = 1;
        while (magnitude * 10 <= rough)
            magnitude *= 10;
        var step = magnitude * 10;
        foreach (var (numerator, denominator) in new (int, int)[] { (1, 1), (2, 1), (5, 2), (5, 1) })
        {
            var candidate = magnitude * numerator;
            if (candidate % denominator != 0)
                continue;
            candidate /= denominator;
            if (candidate < rough)
                continue;
            step = candidate;
            break;
        }
        var low = FloorDiv(min, step) * step;
        var high = -FloorDiv(-(Int128)max, step) * step;
        if (low == high)
        {
            low -= step;
            high += step;
        }
        return new MoneyAxis(low, high, step, currency);
    }

    /// <summary>
    /// "1.5M USD", "-250K USD", "0.25 USD", "0 USD"; every label of an axis has the same unit and decimals.
    /// </summary>
    public string Label(Int128 micros)
    {
        if (micros == 0)
            return "0 " + Currency;
        var scaled = micros * Pow10(_decimals);
        var negative = scaled < 0;
        var magnitude = Int128.Abs(scaled);
        var rounded = (magnitude + _divisor / 2) / _divisor; // exact for ticks; half-up otherwise
        var whole = rounded / Pow10(_decimals);
        var fraction = rounded % Pow10(_decimals);
        var text = new StringBuilder();
        if (negative && rounded != 0)
            text.Append('-');
        text.Append(whole.ToString("N0", CultureInfo.InvariantCulture));
        if (_decimals > 0)
            text.Append('.').Append(fraction.ToString(CultureInfo.InvariantCulture).PadLeft(_decimals, '0'));
        return text.Append(_suffix).Append(' ').Append(Currency).ToString();
    }

    private static Int128 Pow10(int exponent)
    {
        Int128 result = 1;
        for (var i = 0; i < exponent; i++)
            result *= 10;
        return result;
    }

    private static Int128 FloorDiv(Int128 value, Int128 divisor)
    {
        var quotient = value / divisor;
        return value % divisor != 0 && value < 0 ? quotient - 1 : quotient;
    }
}
