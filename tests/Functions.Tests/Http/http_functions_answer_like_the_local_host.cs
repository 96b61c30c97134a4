using System.Text;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using PitPlatform.Functions.Tests.Metadata;
using PitPlatform.Testing;

namespace PitPlatform.Functions.Tests.Http;

/// <summary>
/// Every HTTP function, invoked with a real HttpContext over the worker's own container, answers a request as the local
/// host answers it: same status, same media type, same JSON shape. Both hosts run over the same Postgres, Kafka and
/// Blob, so the same API key works on both.
/// </summary>
public sealed class http_functions_answer_like_the_local_host(
    PostgresFixture postgres,
    KafkaFixture kafka,
    BlobFixture blob
)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string Unknown = Guid.NewGuid().ToString();

    /// <summary>
    /// At least one request per route; run in this order on both hosts, each on the local host first.
    /// </summary>
    private static IReadOnlyList<HttpSample> Samples(string series) =>
        [
            new("GET", "/livez"),
            new("GET", "/healthz"),
            new(
                "POST",
                "/v1/events",
                $$$"""
                {"data":[{"type":"exec.trade_fill","ts":"2026-11-22T09:30:00Z","series":"{{{series}}}","cell":"0001",
                  "payload":{"instrument":"ACME","side":"buy","quantity":100,"price_micros":12500000,"currency":"USD","fee_micros":0}}]}
                """
            ),
            new("POST", "/v1/events", """{"data":[{"type":"exec.trade_fill"}]}"""),
            new("POST", "/v1/events", "{not json"),
            new("GET", $"/v1/series/{series}/nav?cell=0001"),
            new("GET", $"/v1/series/{series}/nav?limit=0"),
            new("GET", $"/v1/series/{series}/nav.svg?cell=0001"),
            new("GET", "/v1/usage?from=2026-11-01&to=2026-11-30"),
            new("GET", $"/v1/events/recent?from=2026-11-22T00:00:00Z&to=2026-11-23T00:00:00Z&series={series}&limit=5"),
            new("GET", "/v1/events/recent?status=lost"),
            new("GET", $"/v1/events/recent/{Unknown}"),
            new("GET", "/v1/stats/overview?from=2026-11-22T00:00:00Z&to=2026-11-23T00:00:00Z"),
            new("GET", "/v1/billing/usage?period=2026-11"),
            new("POST", "/v1/admin/keys", """{"scopes":["read"],"name":"parity"}"""),
            new("POST", "/v1/admin/keys", """{"scopes":["everything"],"name":"parity"}"""),
            new("GET", "/v1/admin/keys"),
            new("DELETE", "/v1/admin/keys/zzzzzzzz"),
            new("GET", "/v1/admin/redaction"),
            new("PUT", "/v1/admin/redaction", """{"card":"mask","email":"hash"}"""),
            new("GET", "/v1/audit?limit=5"),
            new("GET", "/v1/audit/verification"),
            new("POST", "/v1/deletions", $$"""{"scope":"series","series":"{{series}}","reason":"parity check"}"""),
            new("POST", "/v1/deletions", """{"scope":"galaxy"}"""),
            new("GET", $"/v1/deletions/{Unknown}"),
            new("POST", $"/v1/deletions/{Unknown}/approve"),
            new("POST", $"/v1/deletions/{Unknown}/reject"),
            new("GET", "/v1/approvals?state=expired"),
            new("GET", "/v1/approvals?state=waiting"),
            new("GET", $"/v1/approvals/{Unknown}"),
            new("POST", $"/v1/approvals/{Unknown}/approve"),
            new("POST", $"/v1/approvals/{Unknown}/reject"),
            new("GET", "/v1/admin/retention"),
            new("PUT", "/v1/admin/retention", """{"days":120}"""),
            new("GET", $"/v1/export?scope=series&series={series}"),
            new("GET", "/v1/export"),
            // The development key is a tenant's admin: the tenant operations refuse it alike on both hosts.
            new("POST", "/v1/tenants", """{"id":"parity","display_name":"Parity","plan":"free"}"""),
            new("GET", "/v1/tenants"),
            new("GET", "/v1/tenants/demo"),
            new("PATCH", "/v1/tenants/demo", """{"plan":"pro"}"""),
            new("POST", "/v1/tenants/demo/suspend"),
            new("POST", "/v1/tenants/demo/resume"),
            new("POST", "/v1/tenants/demo/deletion", """{"reason":"parity check"}"""),
            new("GET", "/v1/members"),
            new("POST", "/v1/members", """{"subject":"parity","issuer":"not-a-url","role":"viewer"}"""),
            new("DELETE", "/v1/members/nobody-here"),
        ];

    [Fact]
    public void every_http_function_has_a_sample_request()
    {
        var functions = FunctionsMetadata.App.Value.WithTrigger("httpTrigger").ToList();
        var samples = Samples("s");
        Assert.All(functions, f => Assert.Contains(samples, s => Handles(f, s)));
    }

    [Fact]
    public async Task each_http_function_answers_like_the_local_host()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        await using var durable = await DurableTaskTestHost.StartAsync(_ => { }, cancellationToken: Ct);
        // The worker's container over the pipeline's components; the binding check is the start-up tests' (this one
        // reaches the local plaintext broker, which Event Hubs triggers would refuse).
        using var host = FunctionsAppHost.Build([], builder =>
            builder.Configuration.AddInMemoryCollection(pipeline.Settings)
        );
        var invoker = new FunctionInvoker(host.Services, durable.Client, pipeline.Host.DevKey.ToString());
        var functions = FunctionsMetadata.App.Value.WithTrigger("httpTrigger").ToList();

        var differences = new List<string>();
        var statuses = new SortedSet<int>();
        foreach (var sample in Samples($"parity{Guid.NewGuid():N}"[..16]))
        {
            var local = await SendAsync(pipeline.Http, sample);
            var function = functions.Single(f => Handles(f, sample));
            var azure = await invoker.InvokeAsync(function, sample, Ct);
            statuses.Add(azure.Status);
            if (local != azure)
                differences.Add($"{sample} ({function.Name})\n  local host: {local}\n  function:   {azure}");
        }
        Assert.True(differences.Count == 0, string.Join("\n\n", differences));
        // The samples reach both the handlers' answers and their refusals.
        Assert.Superset(new SortedSet<int> { 200, 202, 400, 404 }, statuses);
    }

    private static bool Handles(FunctionEntry function, HttpSample sample) =>
        function.Trigger.Methods.Contains(sample.Method)
        && FunctionInvoker.RouteValues(function.Trigger.Text("route")!, sample.Path) is not null;

    private static async Task<HttpAnswer> SendAsync(HttpClient http, HttpSample sample)
    {
        using var request = new HttpRequestMessage(new HttpMethod(sample.Method), sample.PathAndQuery);
        if (sample.Json is not null)
            request.Content = new StringContent(sample.Json, Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request, Ct);
        return HttpAnswer.From(
            (int)response.StatusCode,
            response.Content.Headers.ContentType?.ToString(),
            await response.Content.ReadAsByteArrayAsync(Ct)
        );
    }
}
