using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Governance.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Deletion;

/// <summary>
/// A pipeline with a requester (admin, alice) and an approver (bob) of tenant demo, and deletion calls over HTTP.
/// </summary>
internal sealed class DeletionApi(TestPipeline pipeline, HttpClient requester, HttpClient approver) : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public TestPipeline Pipeline { get; } = pipeline;
    public HttpClient Requester { get; } = requester;
    public HttpClient Approver { get; } = approver;

    public static async Task<DeletionApi> StartAsync(
        PostgresFixture postgres,
        KafkaFixture kafka,
        BlobFixture blob,
        IDictionary<string, string?>? settings = null,
        bool runConsumers = false
    )
    {
        var pipeline = await TestPipeline.StartAsync(
            await postgres.CreateDatabaseAsync(migrate: false),
            kafka,
            blob,
            runConsumers,
            settings
        );
        var requester = await Keys.CreateClientAsync(pipeline, ["admin"], "alice@demo.example");
        var approver = await Keys.CreateClientAsync(pipeline, ["approver"], "bob@demo.example");
        return new DeletionApi(pipeline, requester, approver);
    }

    /// <summary>
    /// A key of another tenant, made in the store (the admin API only makes keys of the caller's tenant).
    /// </summary>
    public async Task<HttpClient> OtherTenantClientAsync(string tenant, string[] scopes, string principal)
    {
        var key = await Pipeline
            .Service<ApiKeyStore>()
            .CreateAsync(tenant, scopes, "other tenant", principal, cancellationToken: Ct);
        return Keys.Client(Pipeline, key.ToString());
    }

    public async Task<string> RequestAsync(object body)
    {
        var response = await Requester.PostAsJsonAsync("/v1/deletions", body, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Ct));
        return (await Json.ReadAsync(response)).GetProperty("data").GetProperty("id").GetString()!;
    }

    public Task<HttpResponseMessage> ApproveAsync(string id, HttpClient? client = null) =>
        (client ?? Approver).PostAsync($"/v1/deletions/{id}/approve", null, Ct);

    public Task<HttpResponseMessage> RejectAsync(string id, HttpClient? client = null) =>
        (client ?? Approver).PostAsync($"/v1/deletions/{id}/reject", null, Ct);

    public async Task<JsonElement> GetAsync(string id) =>
        (await Json.ReadAsync(await Requester.GetAsync($"/v1/deletions/{id}", Ct))).GetProperty("data");

    public Task<JsonElement> CompletedAsync(string id) =>
        Eventually.WaitForAsync(
            () => GetAsync(id),
            d => d.GetProperty("state").GetString() == "completed",
            TimeSpan.FromSeconds(60),
            $"deletion {id} completed"
        );

    /// <summary>The tenant's audit actions in chain order.</summary>
    public async Task<IReadOnlyList<(string Action, string Target, JsonElement Details)>> AuditAsync(
        string tenant = "demo"
    )
    {
        var entries = new List<(string, string, JsonElement)>();
        await using var command = Pipeline.Database.DataSource.CreateCommand(
            "SELECT action, target, details::text FROM audit_entries WHERE tenant = $1 ORDER BY sequence"
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
        Requester.Dispose();
        Approver.Dispose();
        await Pipeline.DisposeAsync();
    }
}
