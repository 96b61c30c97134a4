using System.Globalization;
using System.Xml.Linq;
using PitPlatform.Processing.Nav;
using Xunit;

namespace PitPlatform.Analytics.Tests;

/// <summary>
/// The SVG chart: well-formed, titled, labelled, one panel per currency, byte-identical to the golden file.
/// </summary>
public sealed class nav_chart(AnalyticsHost host) : IClassFixture<AnalyticsHost>
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static readonly string GoldenFile = Path.Combine(
        Repository.Root,
        "tests",
        "Analytics.Tests",
        "Golden",
        "nav_chart.svg"
    );

    /// <summary>
    /// Three cells over a day in USD (one of them also in EUR), hourly: a fixed input for the golden file.
    /// </summary>
    private static NavChartData Sample()
    {
        var start = new DateTime(2026, 11, 22, 0, 0, 0, DateTimeKind.Utc);
        var points = new List<NavPoint>();
        for (var hour = 0; hour < 24; hour++)
        {
            var ts = start.AddHours(hour);
            points.Add(new NavPoint(ts, "0001", "USD", 1_000_000_000_000 + hour * 25_000_000_000L, 0, 0, hour + 1));
            points.Add(new NavPoint(ts, "0002", "USD", 1_200_000_000_000 - hour * 15_000_000_000L, 0, 0, hour + 1));
            points.Add(new NavPoint(ts, "0003", "USD", 900_000_000_000 + (hour % 5) * 40_000_000_000L, 0, 0, hour + 1));
            points.Add(new NavPoint(ts, "0001", "EUR", -50_000_000 + hour * 7_500_000L, 0, 0, hour + 1));
        }
        return new NavChartData(
            "alpha",
            new DateTimeOffset(start),
            new DateTimeOffset(start.AddHours(23)),
            "1h",
            points,
            Truncated: false
        );
    }

    [Fact]
    public void the_chart_reproduces_the_golden_file()
    {
        var svg = NavChart.Render(Sample());
        if (Environment.GetEnvironmentVariable("PIT_WRITE_GOLDEN") == "1")
            File.WriteAllText(GoldenFile, svg);
        Assert.Equal(File.ReadAllText(GoldenFile), svg);
        Assert.Equal(svg, NavChart.Render(Sample())); // deterministic
    }

    [Fact]
    public void the_chart_is_well_formed_svg_with_title_axes_and_a_legend_per_currency()
    {
        var document = XDocument.Parse(NavChart.Render(Sample()));
        var root = document.Root!;
        Assert.Equal(Svg + "svg", root.Name);
        Assert.Empty(root.Descendants(Svg + "script"));
        Assert.DoesNotContain("href", document.ToString());

        Assert.Equal("NAV of series alpha", Text(root, "title"));
        Assert.Equal("2026-11-22 00:00 to 2026-11-22 23:00 UTC · interval 1h", Text(root, "subtitle"));
        var panels = root.Elements(Svg + "g").Where(g => (string?)g.Attribute("class") == "panel").ToList();
        Assert.Equal(["EUR", "USD"], panels.Select(p => (string)p.Attribute("data-currency")!));

        var usd = panels[1];
        var moneyTicks = Group(usd, "y-axis").Elements(Svg + "text").Select(t => t.Value).ToList();
        Assert.Equal(["0.8M USD", "1.0M USD", "1.2M USD", "1.4M USD", "1.6M USD", "NAV (USD)"], moneyTicks);
        var timeTicks = Group(usd, "x-axis").Elements(Svg + "text").Select(t => t.Value).ToList();
        Assert.Equal(
            [
                "11-22 00:00",
                "11-22 03:00",
                "11-22 06:00",
                "11-22 09:00",
                "11-22 12:00",
                "11-22 15:00",
                "11-22 18:00",
                "11-22 21:00",
                "Time (UTC)",
            ],
            timeTicks
        );
        Assert.Equal(
            ["Cell (currency)", "0001 (USD)", "0002 (USD)", "0003 (USD)"],
            Group(usd, "legend").Elements(Svg + "text").Select(t => t.Value)
        );
        var colours = Group(usd, "lines")
            .Elements(Svg + "polyline")
            .Select(l => (string)l.Attribute("stroke")!)
            .ToList();
        Assert.Equal(3, colours.Distinct().Count());
        Assert.All(Group(usd, "lines").Elements(Svg + "polyline"), l =>
            Assert.Equal(24, ((string)l.Attribute("points")!).Split(' ').Length)
        );

        var eur = panels[0];
        Assert.Equal(["0001 (EUR)"], Group(eur, "legend").Elements(Svg + "text").Skip(1).Select(t => t.Value));
        // a cell keeps its colour
        Assert.Equal(colours[0], (string)Group(eur, "lines").Element(Svg + "polyline")!.Attribute("stroke")!);
        Assert.Contains("-50 EUR", Group(eur, "y-axis").Elements(Svg + "text").Select(t => t.Value));
    }

    [Fact]
    public void an_empty_answer_draws_a_message_instead_of_lines()
    {
        var document = XDocument.Parse(NavChart.Render(new NavChartData("alpha", null, null, "auto", [], false)));

        Assert.Equal(
            "No NAV points for this series and range",
            document.Descendants(Svg + "text").Single(t => (string?)t.Attribute("class") == "empty-state").Value
        );
        Assert.Empty(document.Descendants(Svg + "polyline"));
        Assert.Equal("NAV of series alpha", Text(document.Root!, "title"));
    }

    [Theory]
    [InlineData(0, 1_500_000_000_000, "USD", "1.5M USD")]
    [InlineData(0, 2_000_000, "USD", "0.5 USD")]
    [InlineData(0, 1_200_000_000_000, "USD", "1.25M USD")]
    [InlineData(-250_000_000_000, 250_000_000_000, "EUR", "-300K EUR")]
    [InlineData(-1, 1, "EUR", "0 EUR")]
    [InlineData(0, 10, "JPY", "0.000002 JPY")]
    public void money_ticks_are_round_and_labelled_in_money_units(
        long min,
        long max,
        string currency,
        string expectedLabel
    )
    {
        var axis = MoneyAxis.Covering(min, max, currency);

        Assert.Contains(expectedLabel, axis.Ticks.Select(axis.Label));
        Assert.True(axis.Low <= min && axis.High >= max);
        Assert.InRange(axis.Ticks.Count(), 3, 12);
    }

    [Fact]
    public async Task the_chart_route_serves_svg_for_the_keys_tenant()
    {
        var series = AnalyticsHost.NewSeries("chart");
        var t = DateTimeOffset.Parse("2026-11-06T00:00:00Z", CultureInfo.InvariantCulture);
        await host.StoreAsync(
            Enumerable
                .Range(0, 3 * 1440)
                .Select(i =>
                    host.Record(series, $"c{i % 3}", t.AddMinutes(i / 3 * 3), 1_000_000_000L * (i % 17), i + 1)
                )
        );

        var answer = await host.GetAsync(
            $"/v1/series/{series}/nav.svg?from=2026-11-06T00:00:00Z&to=2026-11-07T00:00:00Z"
        );

        Assert.Equal(200, answer.Status);
        Assert.Equal(NavChartHandler.MediaType, answer.MediaType);
        var root = XDocument.Parse(answer.Text).Root!;
        Assert.Contains("interval 5m", Text(root, "subtitle"));
        Assert.Equal(3, root.Descendants(Svg + "polyline").Count());
    }

    private static string Text(XElement root, string cls) =>
        root.Descendants(Svg + "text").Single(t => (string?)t.Attribute("class") == cls).Value;

    private static XElement Group(XElement panel, string cls) =>
        panel.Elements(Svg + "g").Single(g => (string?)g.Attribute("class") == cls);
}
