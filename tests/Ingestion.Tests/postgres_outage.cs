using System.Net;
using System.Text.Json;
using Npgsql;
using PitPlatform.LocalHost.Embedded;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

/// <summary>
/// With Postgres down, requests get a structured 503 to retry, not a 500; service resumes when it returns.
/// </summary>
public sealed class postgres_outage(KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ingest_and_health_answer_503_while_postgres_is_down_and_recover_after_it_returns()
    {
        var directory = Path.Combine(
            Path.GetTempPath(),
            "pit-tests",
            "outage-" + Guid.NewGuid().ToString("N")[..8],
            "postgres"
        );
        await using var server = await PostgresServer.StartAsync(directory, fresh: true, durable: false, Ct);
        var connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString)
        {
            SearchPath = "outage",
            Timeout = 3,
        }.ConnectionString;
        var database = new TestDatabase("outage", connectionString, NpgsqlDataSource.Create(connectionString));
        await using var pipeline = await TestPipeline.StartAsync(database, kafka, blob, runConsumers: false);
        const string body =
            """{"data":[{"type":"exec.trade_fill","series":"alpha","cell":"0001","payload":{"instrument":"ACME","side":"buy","quantity":1,"price_micros":1,"currency":"USD"}}]}""";

        await server.StopAsync(immediate: true, Ct);
        var during = await pipeline.PostEventsAsync(body, Ct);
        var health = await pipeline.Http.GetAsync("/healthz", Ct);
        var live = await pipeline.Http.GetAsync("/livez", Ct);
        await server.RestartAsync(Ct);
        var after = await Eventually.WaitForAsync(
            () => pipeline.PostEventsAsync(body, Ct),
            r => r.StatusCode == HttpStatusCode.Accepted,
            TimeSpan.FromSeconds(30),
            "ingest to recover"
        );

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        using var error = JsonDocument.Parse(await during.Content.ReadAsStringAsync(Ct));
        Assert.Equal("ERR_UNAVAILABLE", error.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        using var checks = JsonDocument.Parse(await health.Content.ReadAsStringAsync(Ct));
        Assert.Equal(
            "failing",
            checks.RootElement.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString()
        );
        Assert.Equal(
            "ok",
            checks.RootElement.GetProperty("checks").GetProperty("kafka").GetProperty("status").GetString()
        );
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
