using System.Globalization;
using System.Security;
using System.Text;

namespace PitPlatform.Processing.Nav;

/// <summary>What a chart shows: one page of NAV points of a series and the query that chose them.</summary>
public sealed record NavChartData(
    string Series,
    DateTimeOffset? From,
    DateTimeOffset? To,
    string Interval,
    IReadOnlyList<NavPoint> Points,
    bool Truncated
);

/// <summary>
/// Renders NAV points as a self-contained SVG line chart: a title (series, range, interval), then one panel per
/// currency with round NAV ticks in money units, UTC time ticks, one line per cell in a distinct colour and a legend.
/// No scripts, no external assets, and the same input always gives the same bytes. Coordinates come from integer
/// arithmetic on micros and ticks (tenths of a pixel), so no amount passes through a float.
/// </summary>
public static class NavChart
{
    private const int Width = 960;
    private const int HeaderHeight = 64;
    private const int PanelHeight = 400;
    private const int PlotLeft = 120;
    private const int PlotRight = 760;
    private const int PlotTop = 36; // within a panel
    private const int PlotBottom = 340; // within a panel
    private const int LegendRow = 18;

    // Tableau 10: distinct, colour-blind aware; past ten cells the colours repeat with a dash pattern.
    private static readonly string[] Colours =
    [
        "#4e79a7",
        "#f28e2b",
        "#e15759",
        "#76b7b2",
        "#59a14f",
        "#edc948",
        "#b07aa1",
        "#ff9da7",
        "#9c755f",
        "#bab0ac",
    ];

    public static string Render(NavChartData chart)
    {
        var currencies = chart.Points.Select(p => p.Currency).Distinct().Order(StringComparer.Ordinal).ToList();
        var cells = chart.Points.Select(p => p.Cell).Distinct().Order(StringComparer.Ordinal).ToList();
        var panels = Math.Max(1, currencies.Count);
        var height = HeaderHeight + panels * PanelHeight;
        // The range asked for, widened to a bucket that starts before it.
        var first = chart.From?.UtcDateTime ?? DateTime.MaxValue;
        var last = chart.To?.UtcDateTime ?? DateTime.MinValue;
        if (chart.Points.Count > 0)
        {
            first = new[] { first, chart.Points.Min(p => p.Ts) }.Min();
            last = new[] { last, chart.Points.Max(p => p.Ts) }.Max();
        }

        var svg = new StringBuilder();
        svg.Append(
            CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 "
                + $"{Width} {height}\" font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\" "
                + $"font-size=\"12\">\n"
        );
        var title = $"NAV of series {chart.Series}";
        var range =
            chart.Points.Count == 0 && chart.From is null && chart.To is null
                ? "all time"
                : $"{Stamp(first)} to {Stamp(last)} UTC";
        var subtitle =
            $"{range} · interval {chart.Interval}"
            + (chart.Truncated ? $" · first {chart.Points.Count:N0} points (more pages follow)" : "");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{Escape(title)}, {Escape(subtitle)}</title>\n");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        svg.Append(
            CultureInfo.InvariantCulture,
            $"<text class=\"title\" x=\"{Width / 2}\" y=\"26\" text-anchor=\"middle\" font-size=\"18\" "
                + $"font-weight=\"600\" fill=\"#222\">{Escape(title)}</text>\n"
        );
        svg.Append(
            CultureInfo.InvariantCulture,
            $"<text class=\"subtitle\" x=\"{Width / 2}\" y=\"48\" text-anchor=\"middle\" "
                + $"fill=\"#555\">{Escape(subtitle)}</text>\n"
        );

        if (chart.Points.Count == 0)
        {
            svg.Append(
                CultureInfo.InvariantCulture,
                $"<g class=\"panel empty\" transform=\"translate(0,{HeaderHeight})\">\n"
            );
            svg.Append(
                CultureInfo.InvariantCulture,
                $"<rect x=\"{PlotLeft}\" y=\"{PlotTop}\" width=\"{PlotRight - PlotLeft}\" "
                    + $"height=\"{PlotBottom - PlotTop}\" fill=\"#fafafa\" stroke=\"#ddd\"/>\n"
            );
            svg.Append(
                CultureInfo.InvariantCulture,
                $"<text class=\"empty-state\" x=\"{(PlotLeft + PlotRight) / 2}\" "
                    + $"y=\"{(PlotTop + PlotBottom) / 2}\" text-anchor=\"middle\" font-size=\"14\" "
                    + $"fill=\"#777\">No NAV points for this series and range</text>\n"
            );
            svg.Append("</g>\n</svg>\n");
            return svg.ToString();
        }

        var time = TimeAxis.Covering(first, last);
        for (var panel = 0; panel < currencies.Count; panel++)
            RenderPanel(
                svg,
                currencies[panel],
                chart.Points.Where(p => p.Currency == currencies[panel]).ToList(),
                cells,
                time,
                HeaderHeight + panel * PanelHeight
            );
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void RenderPanel(
        StringBuilder svg,
        string currency,
        List<NavPoint> points,
        List<string> cells,
        TimeAxis time,
        int top
    )
    {
        var money = MoneyAxis.Covering(points.Min(p => p.NavMicros), points.Max(p => p.NavMicros), currency);
        string X(DateTime ts) =>
            Tenths(
                PlotLeft * 10
                    + (Int128)(ts.Ticks - time.Start.Ticks)
                        * (PlotRight - PlotLeft)
                        * 10
                        / (time.End.Ticks - time.Start.Ticks)
            );
        string Y(Int128 micros) =>
            Tenths(PlotBottom * 10 - (micros - money.Low) * (PlotBottom - PlotTop) * 10 / (money.High - money.Low));

        svg.Append(
            CultureInfo.InvariantCulture,
            $"<g class=\"panel\" data-currency=\"{Escape(currency)}\" transform=\"translate(0,{top})\">\n"
        );
        svg.Append(
            CultureInfo.InvariantCulture,
            $"<text class=\"panel-title\" x=\"{PlotLeft}\" y=\"22\" font-size=\"14\" font-weight=\"600\" "
                + $"fill=\"#222\">NAV in {Escape(currency)}</text>\n"
        );

        svg.Append("<g class=\"y-axis\" fill=\"#555\" text-anchor=\"end\">\n");
        foreach (var tick in money.Ticks)
        {
            var y = Y(tick);
            svg.Append(
                CultureInfo.InvariantCulture,
                $"<line x1=\"{PlotLeft}\" y1=\"{y}\" x2=\"{PlotRight}\" y2=\"{y}\" "
                    + $"stroke=\"{(tick == 0 ? "#999" : "#e5e5e5")}\"/>"
            );
            svg.Append(
                CultureInfo.InvariantCulture,
                $"<text x=\"{PlotLeft - 8}\" y=\"{y}\" dy=\"4\">{Escape(money.Label(tick))}</text>\n"
            );
        }
        svg.Append(
            CultureInfo.InvariantCulture,
            $"<text class=\"axis-title\" transform=\"translate(18,{(PlotTop + PlotBottom) / 2}) "
                + $"rotate(-90)\" text-anchor=\"middle\">NAV ({Escape(currency)})</text>\n</g>\n"
        );

        svg.Append("<g class=\"x-axis\" fill=\"#555\" text-anchor=\"middle\">\n");
        svg.Append(
            CultureInfo.InvariantCulture,
            $"<line x1=\"{PlotLeft}\" y1=\"{PlotBottom}\" x2=\"{PlotRight}\" y2=\"{PlotBottom}\" stroke=\"#999\"/>\n"
        );
        foreach (var tick in time.Ticks)
        {
            var x = X(tick);
            svg.Append(
                CultureInfo.InvariantCulture,
                $"<line x1=\"{x}\" y1=\"{PlotBottom}\" x2=\"{x}\" y2=\"{PlotBottom + 5}\" stroke=\"#999\"/>"
            );
            svg.Append(
                CultureInfo.InvariantCulture,
                $"<text x=\"{x}\" y=\"{PlotBottom + 18}\">{Escape(time.Label(tick))}</text>\n"
            );
        }
        svg.Append(
            CultureInfo.InvariantCulture,
            $"<text class=\"axis-title\" x=\"{(PlotLeft + PlotRight) / 2}\" y=\"{PlotBottom + 40}\">Time "
                + $"(UTC)</text>\n</g>\n"
        );

        svg.Append("<g class=\"lines\" fill=\"none\" stroke-width=\"1.5\" stroke-linejoin=\"round\">\n");
        var legend = new List<(string Cell, string Colour, string Dash)>();
        foreach (var line in points.GroupBy(p => p.Cell).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var index = cells.IndexOf(line.Key);
            var colour = Colours[index % Colours.Length];
            var dash = index < Colours.Length ? "" : " stroke-dasharray=\"6 3\"";
            var ordered = line.OrderBy(p => p.Ts).ThenBy(p => p.FillsApplied).ToList();
            svg.Append(
                CultureInfo.InvariantCulture,
                $"<polyline data-cell=\"{Escape(line.Key)}\" stroke=\"{colour}\"{dash} points=\""
            );
            svg.AppendJoin(' ', ordered.Select(p => X(p.Ts) + "," + Y(p.NavMicros)));
            svg.Append("\"/>\n");
            if (ordered.Count == 1)
                svg.Append(
                    CultureInfo.InvariantCulture,
                    $"<circle cx=\"{X(ordered[0].Ts)}\" cy=\"{Y(ordered[0].NavMicros)}\" r=\"3\" fill=\"{colour}\"/>\n"
                );
            legend.Add((line.Key, colour, dash));
        }
        svg.Append("</g>\n");

        svg.Append(
            CultureInfo.InvariantCulture,
            $"<g class=\"legend\" transform=\"translate({PlotRight + 24},{PlotTop})\" fill=\"#222\">\n"
        );
        svg.Append("<text x=\"0\" y=\"0\" font-weight=\"600\">Cell (currency)</text>\n");
        var rows = (PlotBottom - PlotTop) / LegendRow - 2;
        for (var i = 0; i < legend.Count && i < rows; i++)
        {
            var y = (i + 1) * LegendRow;
            var (cell, colour, dash) = legend[i];
            svg.Append(
                CultureInfo.InvariantCulture,
                $"<line x1=\"0\" y1=\"{y - 4}\" x2=\"24\" y2=\"{y - 4}\" stroke=\"{colour}\" stroke-width=\"3\"{dash}/>"
            );
            svg.Append(
                CultureInfo.InvariantCulture,
                $"<text x=\"32\" y=\"{y}\">{Escape(cell)} ({Escape(currency)})</text>\n"
            );
        }
        if (legend.Count > rows)
            svg.Append(
                CultureInfo.InvariantCulture,
                $"<text x=\"0\" y=\"{(rows + 1) * LegendRow}\" fill=\"#555\">+ {legend.Count - rows} more "
                    + $"cells</text>\n"
            );
        svg.Append("</g>\n</g>\n");
    }

    /// <summary>Tenths of a pixel as SVG text: 1234 -> "123.4", -5 -> "-0.5".</summary>
    private static string Tenths(Int128 tenths)
    {
        var negative = tenths < 0;
        var magnitude = Int128.Abs(tenths);
        return (negative ? "-" : "")
            + (magnitude / 10).ToString(CultureInfo.InvariantCulture)
            + "."
            + (magnitude % 10).ToString(CultureInfo.InvariantCulture);
    }

    private static string Stamp(DateTime time) => time.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Escape(string text) => SecurityElement.Escape(text);
}
