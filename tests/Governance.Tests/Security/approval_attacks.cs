using System.Net;
using System.Net.Http.Json;
using PitPlatform.Governance.Tests.Deletion;
using PitPlatform.Governance.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Security;

/// <summary>
/// Attempts to get a deletion approved, or made, by someone who may not: none succeeds, nothing is deleted, and each
/// attempt leaves an audit entry naming who tried and why it was refused.
/// </summary>
public sealed class approval_attacks(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private DeletionApi _api = null!;

    public async ValueTask InitializeAsync()
    {
        _api = await DeletionApi.StartAsync(postgres, kafka, blob);
        await TenantData.SeedAsync(_api.Pipeline.Database, "demo", "alpha", ["c1"]);
    }

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task self_approval_is_refused()
    {
        var id = await _api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "test",
            }
        );
        // Another key of the same holder, with the approver scope: still the requester.
        using var sameHolder = await Keys.CreateClientAsync(_api.Pipeline, ["approver"], "alice@demo.example");

        var response = await _api.ApproveAsync(id, sameHolder);

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, "ERR_SELF_APPROVAL", id, "self_approval");
    }

    [Fact]
    public async Task the_requesting_key_itself_cannot_approve()
    {
        using var both = await Keys.CreateClientAsync(_api.Pipeline, ["admin", "approver"], "carol@demo.example");
        var created = await both.PostAsJsonAsync(
            "/v1/deletions",
            new
            {
                scope = "series",
                series = "alpha",
                reason = "test",
            },
            Ct
        );
        var id = (await Json.ReadAsync(created)).GetProperty("data").GetProperty("id").GetString()!;

        var response = await _api.ApproveAsync(id, both);

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, "ERR_SELF_APPROVAL", id, "self_approval");
    }

    [Fact]
    public async Task an_approver_of_another_tenant_is_refused_and_both_tenants_see_the_attempt()
    {
        var id = await _api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "test",
            }
        );
        using var stranger = await _api.OtherTenantClientAsync("globex", ["approver"], "mallory@globex.example");

        var response = await _api.ApproveAsync(id, stranger);

        await AssertRefusedAsync(response, HttpStatusCode.NotFound, "ERR_NOT_FOUND", id, "other_tenant");
        Assert.Contains(await _api.AuditAsync("globex"), e =>
            e.Action == "deletion.approval_refused"
            && e.Target == $"deletion/{id}"
            && e.Details.GetProperty("reason").GetString() == "unknown_request"
        );
    }

    [Fact]
    public async Task approving_twice_is_refused()
    {
        var id = await _api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "test",
            }
        );
        Assert.Equal(HttpStatusCode.OK, (await _api.ApproveAsync(id)).StatusCode);
        using var secondApprover = await Keys.CreateClientAsync(_api.Pipeline, ["approver"], "dave@demo.example");

        var again = await _api.ApproveAsync(id);
        var other = await _api.ApproveAsync(id, secondApprover);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("ERR_REQUEST_NOT_PENDING", await Json.ErrorCodeAsync(again));
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Single(await _api.AuditAsync(), e => e.Action == "deletion.approved");
        Assert.Equal(
            2,
            (await _api.AuditAsync()).Count(e =>
                e.Action == "deletion.approval_refused" && e.Details.GetProperty("reason").GetString() == "not_pending"
            )
        );
    }

    [Fact]
    public async Task concurrent_approvals_approve_once()
    {
        var id = await _api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "test",
            }
        );
        var approvers = new List<HttpClient>();
        for (var i = 0; i < 4; i++)
            approvers.Add(await Keys.CreateClientAsync(_api.Pipeline, ["approver"], $"approver{i}@demo.example"));

        var answers = await Task.WhenAll(approvers.Select(a => _api.ApproveAsync(id, a)));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        Assert.Single(await _api.AuditAsync(), e => e.Action == "deletion.approved");
        foreach (var approver in approvers)
            approver.Dispose();
    }

    [Fact]
    public async Task approving_after_rejection_is_refused()
    {
        var id = await _api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "test",
            }
        );
        Assert.Equal(HttpStatusCode.OK, (await _api.RejectAsync(id)).StatusCode);
        using var secondApprover = await Keys.CreateClientAsync(_api.Pipeline, ["approver"], "dave@demo.example");

        var response = await _api.ApproveAsync(id, secondApprover);

        await AssertRefusedAsync(
            response,
            HttpStatusCode.Conflict,
            "ERR_REQUEST_NOT_PENDING",
            id,
            "not_pending",
            expectedState: "rejected"
        );
    }

    [Fact]
    public async Task approving_after_expiry_is_refused()
    {
        var id = await _api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "test",
            }
        );
        await _api.Pipeline.Database.ExecuteAsync(
            $"UPDATE governance_requests SET expires_at = now() - interval '1 second' WHERE id = '{id}'"
        );

        var response = await _api.ApproveAsync(id);

        await AssertRefusedAsync(
            response,
            HttpStatusCode.Conflict,
            "ERR_REQUEST_EXPIRED",
            id,
            "expired",
            expectedState: "expired"
        );
        Assert.Contains(await _api.AuditAsync(), e => e.Action == "deletion.expired");
    }

    [Theory]
    [InlineData("read")]
    [InlineData("ingest")]
    [InlineData("admin")]
    public async Task a_key_without_the_approver_scope_is_refused(string scope)
    {
        var id = await _api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "test",
            }
        );
        using var client = await Keys.CreateClientAsync(_api.Pipeline, [scope], $"{scope}-holder@demo.example");

        var approve = await _api.ApproveAsync(id, client);
        var reject = await _api.RejectAsync(id, client);

        Assert.Equal(HttpStatusCode.Forbidden, reject.StatusCode);
        await AssertRefusedAsync(approve, HttpStatusCode.Forbidden, "ERR_FORBIDDEN", id, "missing_scope");
    }

    [Theory]
    [InlineData("0193a1b2-0000-7000-8000-00000000dead")]
    [InlineData("not-a-request")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public async Task a_forged_request_id_is_refused(string forged)
    {
        var id = await _api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "test",
            }
        );

        var approve = await _api.ApproveAsync(forged);
        var read = await _api.Requester.GetAsync($"/v1/deletions/{forged}", Ct);

        Assert.Equal(HttpStatusCode.NotFound, approve.StatusCode);
        Assert.Equal("ERR_NOT_FOUND", await Json.ErrorCodeAsync(approve));
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Contains(await _api.AuditAsync(), e =>
            e.Action == "deletion.approval_refused"
            && e.Target == $"deletion/{forged}"
            && e.Details.GetProperty("reason").GetString() == "unknown_request"
        );
        Assert.Equal("pending", (await _api.GetAsync(id)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task a_scope_naming_another_tenant_is_refused()
    {
        var response = await _api.Requester.PostAsJsonAsync(
            "/v1/deletions",
            new
            {
                scope = "tenant",
                tenant = "globex",
                reason = "test",
            },
            Ct
        );

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("ERR_TENANT_MISMATCH", await Json.ErrorCodeAsync(response));
        Assert.Equal(0, await _api.Pipeline.Database.CountAsync("governance_requests"));
        Assert.Contains(await _api.AuditAsync(), e =>
            e.Action == "deletion.request_refused" && e.Details.GetProperty("reason").GetString() == "tenant_mismatch"
        );
    }

    [Fact]
    public async Task another_tenants_request_cannot_be_read()
    {
        var id = await _api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "test",
            }
        );
        using var stranger = await _api.OtherTenantClientAsync(
            "globex",
            ["admin", "approver"],
            "mallory@globex.example"
        );

        var read = await stranger.GetAsync($"/v1/deletions/{id}", Ct);

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task a_key_without_the_admin_scope_cannot_request()
    {
        var response = await _api.Approver.PostAsJsonAsync(
            "/v1/deletions",
            new { scope = "tenant", reason = "test" },
            Ct
        );

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("ERR_FORBIDDEN", await Json.ErrorCodeAsync(response));
        Assert.Contains(await _api.AuditAsync(), e =>
            e.Action == "deletion.request_refused" && e.Details.GetProperty("reason").GetString() == "missing_scope"
        );
    }

    private async Task AssertRefusedAsync(
        HttpResponseMessage response,
        HttpStatusCode status,
        string code,
        string id,
        string reason,
        string expectedState = "pending"
    )
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, await Json.ErrorCodeAsync(response));
        await _api.Pipeline.Service<Governance.Deletion.DeletionDriver>().RunOnceAsync(Ct);
        Assert.Equal(expectedState, (await _api.GetAsync(id)).GetProperty("state").GetString());
        Assert.Equal(3, await _api.Pipeline.Database.CountAsync("nav_points"));
        Assert.Contains(await _api.AuditAsync(), e =>
            e.Action == "deletion.approval_refused"
            && e.Target == $"deletion/{id}"
            && e.Details.GetProperty("reason").GetString() == reason
        );
        Assert.True(
            (await _api.Pipeline.Service<Governance.Audit.AuditVerifier>().VerifyAsync(cancellationToken: Ct)).IsIntact
        );
    }
}
