using System.Net;
using System.Net.Http.Json;
using PitPlatform.Governance.Tests.Deletion;
using PitPlatform.Governance.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Approvals;

/// <summary>GET /v1/approvals: the console's inbox of a tenant's gated changes, of every kind, newest first.</summary>
public sealed class approvals_inbox(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private DeletionApi _api = null!;

    public async ValueTask InitializeAsync() => _api = await DeletionApi.StartAsync(postgres, kafka, blob);

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task pending_requests_of_every_kind_are_listed_with_who_asked_and_decided_ones_leave_the_pending_list()
    {
        var deletion = await _api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "client left",
            }
        );
        var redaction = await _api.Requester.PutAsJsonAsync("/v1/admin/redaction", new { store_raw = true }, Ct);
        var redactionId = (await Json.ReadAsync(redaction)).GetProperty("data").GetProperty("approval_id").GetString()!;

        var pending = (await Json.ReadAsync(await _api.Approver.GetAsync("/v1/approvals?state=pending", Ct)))
            .GetProperty("data")
            .EnumerateArray()
            .ToList();

        Assert.Equal([redactionId, deletion], pending.Select(a => a.GetProperty("id").GetString()));
        Assert.Equal(["redaction", "deletion"], pending.Select(a => a.GetProperty("kind").GetString()));
        Assert.All(pending, a => Assert.Equal("alice@demo.example", a.GetProperty("requested_by").GetString()));
        Assert.Equal("client left", pending[1].GetProperty("reason").GetString());
        Assert.Equal("alpha", pending[1].GetProperty("change").GetProperty("series").GetString());

        Assert.Equal(HttpStatusCode.OK, (await _api.RejectAsync(deletion)).StatusCode);
        var stillPending = (await Json.ReadAsync(await _api.Requester.GetAsync("/v1/approvals?state=pending", Ct)))
            .GetProperty("data")
            .EnumerateArray();
        var rejected = (await Json.ReadAsync(await _api.Requester.GetAsync("/v1/approvals?state=rejected", Ct)))
            .GetProperty("data")
            .EnumerateArray();
        var all = (await Json.ReadAsync(await _api.Requester.GetAsync("/v1/approvals", Ct)))
            .GetProperty("data")
            .EnumerateArray();

        Assert.Equal([redactionId], stillPending.Select(a => a.GetProperty("id").GetString()));
        Assert.Equal([deletion], rejected.Select(a => a.GetProperty("id").GetString()));
        Assert.Equal("bob@demo.example", rejected.Single().GetProperty("decided_by").GetString());
        Assert.Equal(2, all.Count());
    }

    [Fact]
    public async Task another_tenants_requests_are_not_listed()
    {
        await _api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "client left",
            }
        );
        using var other = await _api.OtherTenantClientAsync("acme", ["admin"], "carol@acme.example");

        var listed = (await Json.ReadAsync(await other.GetAsync("/v1/approvals", Ct))).GetProperty("data");

        Assert.Equal(0, listed.GetArrayLength());
    }

    [Fact]
    public async Task an_unknown_state_and_a_key_without_admin_or_approver_are_refused()
    {
        using var ingestOnly = await Keys.CreateClientAsync(_api.Pipeline, ["ingest", "read"], "svc@demo.example");

        var unknown = await _api.Requester.GetAsync("/v1/approvals?state=waiting", Ct);
        var forbidden = await ingestOnly.GetAsync("/v1/approvals", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(
            "state",
            (await Json.ReadAsync(unknown))
                .GetProperty("error")
                .GetProperty("details")
                .GetProperty("parameter")
                .GetString()
        );
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }
}
