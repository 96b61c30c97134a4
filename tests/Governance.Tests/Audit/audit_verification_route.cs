using System.Net;
using PitPlatform.Governance.Tests.Deletion;
using PitPlatform.Governance.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Audit;

/// <summary>
/// GET /v1/audit/verification: the caller's tenant's chain checked on the server, as ./pit audit verify does.
/// </summary>
public sealed class audit_verification_route(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
    : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private DeletionApi _api = null!;

    public async ValueTask InitializeAsync() => _api = await DeletionApi.StartAsync(postgres, kafka, blob);

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task an_untouched_chain_is_intact_and_counts_its_entries()
    {
        var id = await _api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "client left",
            }
        );
        await _api.RejectAsync(id);

        var result = (await Json.ReadAsync(await _api.Approver.GetAsync("/v1/audit/verification", Ct))).GetProperty(
            "data"
        );

        Assert.Equal("demo", result.GetProperty("tenant").GetString());
        Assert.True(result.GetProperty("intact").GetBoolean());
        // Two api_key.created (the requester's and the approver's keys), the request and its rejection.
        Assert.Equal(4, result.GetProperty("entries").GetInt64());
        Assert.False(result.TryGetProperty("problem", out _));
    }

    [Fact]
    public async Task an_altered_entry_is_named()
    {
        var id = await _api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "client left",
            }
        );
        await _api.RejectAsync(id);
        // As a superuser who bypasses the append-only guard would.
        await _api.Pipeline.Database.ExecuteAsync(
            "SET session_replication_role = replica; "
                + "UPDATE audit_entries SET target = 'deletion/forged' WHERE tenant = 'demo' AND sequence = 1; "
                + "SET session_replication_role = origin"
        );

        var result = (await Json.ReadAsync(await _api.Requester.GetAsync("/v1/audit/verification", Ct))).GetProperty(
            "data"
        );

        Assert.False(result.GetProperty("intact").GetBoolean());
        Assert.Equal(1, result.GetProperty("problem").GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task a_key_without_admin_or_approver_is_refused()
    {
        using var readOnly = await Keys.CreateClientAsync(_api.Pipeline, ["read"], "svc@demo.example");

        Assert.Equal(HttpStatusCode.Forbidden, (await readOnly.GetAsync("/v1/audit/verification", Ct)).StatusCode);
    }
}
