using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PitPlatform.Contracts;
using PitPlatform.Contracts.Telemetry;

namespace PitPlatform.Deployment.Tests;

/// <summary>
/// The alerts and the workbook watch what the code emits: every metric their queries name is an instrument of
/// <see cref="PitMetrics"/>, the span names are <see cref="PitTelemetry"/>'s, every rule notifies the action group, and
/// the rules cover each condition the platform's rules ask for.
/// </summary>
public sealed partial class monitoring_queries
{
    [Theory]
    [MemberData(nameof(DeploymentSnapshots.Environments), MemberType = typeof(DeploymentSnapshots))]
    public void every_metric_the_alerts_and_the_workbook_query_is_one_the_code_emits(string environment)
    {
        var emitted = typeof(PitMetrics)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetValue(null))
            .OfType<Instrument>()
            .Select(i => i.Name)
            .ToHashSet(StringComparer.Ordinal);
        var queries = Queries(environment).ToList();
        var named = queries.SelectMany(MetricNames).ToList();

        Assert.Contains("pit.consumer.records", named);
        Assert.Contains("pit.database.connection_failures", named);
        Assert.DoesNotContain(named, n => !emitted.Contains(n));
        // Consumer spans are the "process {group}" requests.
        Assert.Contains(queries, q =>
            q.Contains($"name startswith \"{PitTelemetry.ProcessSpan("")}\"", StringComparison.Ordinal)
        );
    }

    [Theory]
    [MemberData(nameof(DeploymentSnapshots.Environments), MemberType = typeof(DeploymentSnapshots))]
    public void alerts_cover_errors_lag_low_throughput_database_failures_and_dead_letters_for_the_action_group(
        string environment
    )
    {
        var scheduled = DeploymentSnapshots.Resources(environment, "Microsoft.Insights/scheduledQueryRules").ToList();
        var metricAlerts = DeploymentSnapshots.Resources(environment, "Microsoft.Insights/metricAlerts").ToList();
        var queries = scheduled.Select(r => (string)r["properties"]!["criteria"]!["allOf"]![0]!["query"]!).ToList();

        Assert.Contains(queries, q => q.Contains("resultCode) >= 500", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains("growthSeconds", StringComparison.Ordinal));
        Assert.Contains(queries, q =>
            q.Contains("recordsPerMinute", StringComparison.Ordinal)
            && q.Contains("lagSeconds >", StringComparison.Ordinal)
        );
        Assert.Contains(queries, q => q.Contains("pit.database.connection_failures", StringComparison.Ordinal));
        Assert.Contains(metricAlerts, a =>
            string.Join(' ', Strings(a)).Contains(".dead_letter", StringComparison.Ordinal)
        );
        Assert.All(scheduled, r => Assert.NotEmpty(r["properties"]!["actions"]!["actionGroups"]!.AsArray()));
        Assert.All(metricAlerts, r => Assert.NotEmpty(r["properties"]!["actions"]!.AsArray()));
    }

    /// <summary>Every KQL text of the alert rules and of the workbook (whose items are serialised JSON).</summary>
    private static IEnumerable<string> Queries(string environment)
    {
        var rules = DeploymentSnapshots
            .Resources(environment, "Microsoft.Insights/scheduledQueryRules")
            .SelectMany(Strings);
        var workbooks = DeploymentSnapshots
            .Resources(environment, "Microsoft.Insights/workbooks")
            .SelectMany(w => Strings(JsonNode.Parse((string)w["properties"]!["serializedData"]!)));
        return rules.Concat(workbooks).Where(s => s.Contains(" | ", StringComparison.Ordinal));
    }

    private static IEnumerable<string> MetricNames(string query)
    {
        if (!query.Contains("customMetrics", StringComparison.Ordinal))
            yield break;
        foreach (Match match in SingleName().Matches(query))
            yield return match.Groups[1].Value;
        foreach (Match match in NameList().Matches(query))
        {
            foreach (Match quoted in Quoted().Matches(match.Groups[1].Value))
                yield return quoted.Groups[1].Value;
        }
    }

    [GeneratedRegex(@"\bname\s*==\s*""([^""]+)""")]
    private static partial Regex SingleName();

    [GeneratedRegex("""\bname\s+in\s*\(([^)]*)\)""")]
    private static partial Regex NameList();

    [GeneratedRegex("\"([^\"]+)\"")]
    private static partial Regex Quoted();

    private static IEnumerable<string> Strings(JsonNode? node) =>
        node switch
        {
            JsonObject o => o.SelectMany(p => Strings(p.Value)),
            JsonArray a => a.SelectMany(Strings),
            JsonValue v when v.TryGetValue<string>(out var s) => [s],
            _ => [],
        };
}
