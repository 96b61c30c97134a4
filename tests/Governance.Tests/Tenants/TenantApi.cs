using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PitPlatform.Governance.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Tenants;

/// <summary>A pipeline with a client holding the development operator key, and tenant calls over HTTP.</summary>
internal sealed class TenantApi(TestPipeline pipeline, HttpClient operatorClient) : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public TestPipeline Pipeline { get; } = pipeline;
    public HttpClient Operator { get; } = operatorClient;

    public static async Task<TenantApi> StartAsync(
        PostgresFixture postgres,
        KafkaFixture kafka,
        BlobFixture blob,
        bool runConsumers = false
    )
    {
        var pipeline = await TestPipeline.StartAsync(
            await postgres.CreateDatabaseAsync(migrate: false),
            kafka,
            blob,
            runConsumers
        );
        return new TenantApi(pipeline, Keys.Client(pipeline, pipeline.Host.OperatorKey.ToString()));
    }

    /// <summary>Creates a tenant; returns the answer's data (tenant and admin_key).</summary>
    public async Task<JsonElement> CreateAsync(string id, string plan = "free", string displayName = "Test tenant")
    {
        var response = await Operator.PostAsJsonAsync(
            "/v1/tenants",
            new
            {
                id,
                display_name = displayName,
                plan,
            },
            Ct
        );
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        return (await Json.ReadAsync(response)).GetProperty("data");
    }

    /// <summary>A client of a new tenant's first admin key.</summary>
    public async Task<HttpClient> CreateWithAdminAsync(string id, string plan = "free") =>
        Keys.Client(Pipeline, (await CreateAsync(id, plan)).GetProperty("admin_key").GetProperty("key").GetString()!);

    public Task<HttpResponseMessage> PostAsync(string path, HttpClient? client = null) =>
        (client ?? Operator).PostAsync(path, null, Ct);

    public Task<HttpResponseMessage> PatchAsync(string id, object body) =>
        Operator.PatchAsync(
            $"/v1/tenants/{id}",
            new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
            Ct
        );

    public static Task<HttpResponseMessage> IngestAsync(HttpClient client, int events = 2) =>
        client.PostAsync(
            "/v1/events",
            new StringContent(
                "{\"data\":["
                    + string.Join(
                        ",",
                        Enumerable
                            .Range(0, events)
                            .Select(i =>
                                $"{{\"type\":\"exec.trade_fill\",\"event_id\":\"{Guid.NewGuid()}\",\"series\""
                                + $":\"alpha\",\"cell\":\"c{i}\",\"payload\":{{\"instrument\":\"ACME\",\"side\""
                                + $":\"buy\",\"quantity\":1,\"price_micros\":1000000,\"currency\":\"USD\"}}}}"
                            )
                    )
                    + "]}",
                Encoding.UTF8,
                "application/json"
            ),
            Ct
        );

    /// <summary>The tenant's audit actions in chain order.</summary>
    public async Task<IReadOnlyList<(string Action, string Principal, JsonElement Details)>> AuditAsync(string tenant)
    {
        var entries = new List<(string, string, JsonElement)>();
        await using var command = Pipeline.Database.DataSource.CreateCommand(
            "SELECT action, principal, details::text FROM audit_entries WHERE tenant = $1 ORDER BY sequence"
        );
        command.Parameters.Add(new() { Value = tenant });
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
            entries.Add(
                (reader.GetString(0), reader.GetString(1), JsonDocument.Parse(reader.GetString(2)).RootElement.Clone())
            );
        return entries;
    }

    public async ValueTask DisposeAsync()
    {
        Operator.Dispose();
        await Pipeline.DisposeAsync();
    }
}
