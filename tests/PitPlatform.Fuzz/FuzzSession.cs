using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PitPlatform.Contracts.Consuming;
using PitPlatform.LocalHost;

namespace PitPlatform.Fuzz;

/// <summary>What ./pit fuzz and the test slice share: the keys, the consumer groups to check, the report.</summary>
public static class FuzzSession
{
    /// <summary>
    /// The target with a key of each kind: the given admin key (every scope, as the development key has), and a read
    /// and an ingest key made through the admin API, with rates high enough never to be the answer.
    /// </summary>
    public static async Task<FuzzTarget> TargetAsync(
        Uri baseAddress,
        string adminKey,
        CancellationToken cancellationToken = default
    )
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        var keys = new Dictionary<KeyKind, string> { [KeyKind.Admin] = adminKey };
        foreach (var (kind, scope) in new[] { (KeyKind.Read, "read"), (KeyKind.Ingest, "ingest") })
        {
            using var created = await http.PostAsJsonAsync(
                    "/v1/admin/keys",
                    new
                    {
                        scopes = new[] { scope },
                        name = $"pit fuzz {scope}",
                        rate_per_second = 1_000_000,
                        burst = 10_000_000,
                    },
                    cancellationToken
                )
                .ConfigureAwait(false);
            if (!created.IsSuccessStatusCode)
                throw new InvalidOperationException(
                    $"creating the fuzzer's {scope} key answered {(int)created.StatusCode}: "
                        + $"{await created.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}"
                );
            using var body = JsonDocument.Parse(
                await created.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)
            );
            keys[kind] = body.RootElement.GetProperty("data").GetProperty("key").GetString()!;
        }
        return new FuzzTarget(baseAddress, keys);
    }

    /// <summary>The consumer groups the in-process host runs, each with the topics it reads.</summary>
    public static IReadOnlyList<ConsumerGroup> Groups(IServiceProvider services)
    {
        var running = services
            .GetServices<IHostedService>()
            .OfType<ConsumerLoopsService>()
            .SelectMany(s => s.Loops)
            .Select(l => l.ConsumerGroup)
            .ToHashSet();
        return
        [
            .. services
                .GetServices<IRecordBatchHandler>()
                .Where(h => running.Contains(h.ConsumerGroup))
                .GroupBy(h => h.ConsumerGroup)
                .Select(g => new ConsumerGroup(g.Key, [.. g.SelectMany(h => h.Topics).Distinct()])),
        ];
    }

    /// <summary>
    /// Requests, status histogram, 5xx, malformed errors and hangs, each finding as a curl-able request.
    /// </summary>
    /// <param name="known">The known finding a case belongs to (its owner), or null.</param>
    public static void Print(
        FuzzReport report,
        int seed,
        Uri baseAddress,
        TextWriter output,
        string? bodyDirectory,
        Func<FuzzCase, string?>? known = null,
        int show = 10
    )
    {
        output.WriteLine(
            $"seed {seed}: {report.Requests:N0} requests in {report.Elapsed.TotalSeconds:F1} s"
                + (report.HeldBack > 0 ? $" ({report.HeldBack} held back as known findings)" : "")
        );
        output.WriteLine(
            "statuses: "
                + string.Join(", ", report.Statuses.Select(s => $"{s.Key}: {s.Value:N0}"))
                + (report.Requests - report.Statuses.Values.Sum() is > 0 and var none ? $", no answer: {none}" : "")
        );
        output.WriteLine(
            $"5xx: {report.ServerErrors.Count}, malformed errors: {report.Malformed.Count(m => !m.ServerError)}"
                + $" (+{report.Malformed.Count(m => m.ServerError)} among the 5xx), hangs: {report.Hangs.Count}"
        );
        var findings = report.Findings.ToList();
        if (findings.Count == 0)
            return;
        output.WriteLine("findings by category:");
        foreach (
            var group in findings
                .GroupBy(f =>
                    (
                        f.Case.Kind,
                        f.Case.Operation,
                        Status: f.Status?.ToString(CultureInfo.InvariantCulture) ?? (f.Hang ? "hang" : "none")
                    )
                )
                .OrderByDescending(g => g.Count())
        )
        {
            var owner = known?.Invoke(group.First().Case);
            output.WriteLine(
                $"  {group.Count(), 5} x {group.Key.Status} {group.Key.Kind} on {group.Key.Operation}"
                    + (owner is null ? "" : $"  [known: {owner}]")
            );
        }
        foreach (
            var outcome in findings
                .Where(f => known?.Invoke(f.Case) is null)
                .Take(show)
                .Concat(findings.Where(f => known?.Invoke(f.Case) is not null).Take(3))
        )
        {
            output.WriteLine(
                $"--- {outcome.Case} -> {outcome.Status?.ToString(CultureInfo.InvariantCulture) ?? "no answer"}: "
                    + (outcome.Problem ?? "5xx")
            );
            if (outcome.Body.Length > 0)
                output.WriteLine(
                    "    answer: " + (outcome.Body.Length > 300 ? outcome.Body[..300] + "..." : outcome.Body)
                );
            output.WriteLine($"    again: ./pit fuzz --seed {seed} --case {outcome.Case.Index}");
            output.WriteLine("    " + outcome.Case.Curl(baseAddress, bodyDirectory));
        }
    }
}
