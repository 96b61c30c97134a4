using System.Net;
using System.Net.Http.Json;
using PitPlatform.Governance.Tests.Deletion;
using PitPlatform.Governance.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Approvals;

/// <summary>
/// A retention outside the policy bounds is only requested by PUT /v1/admin/retention; another principal's approval
/// applies it.
/// </summary>
public sealed class retention_approval(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private DeletionApi _api = null!;

    public async ValueTask InitializeAsync() => _api = await DeletionApi.StartAsync(postgres, kafka, blob);

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task a_retention_outside_the_bounds_becomes_a_request_and_changes_nothing()
    {
        var put = await _api.Requester.PutAsJsonAsync("/v1/admin/retention", new { days = 3 }, Ct);

        Assert.Equal(HttpStatusCode.Accepted, put.StatusCode);
        var data = (await Json.ReadAsync(put)).GetProperty("data");
        var id = data.GetProperty("approval_id").GetString()!;
        Assert.Equal("retention", data.GetProperty("kind").GetString());
        Assert.Equal("pending", data.GetProperty("state").GetString());
        Assert.Equal($"/v1/approvals/{id}", put.Headers.Location?.OriginalString);
        Assert.Equal(90, await DaysAsync());
        Assert.Contains(await _api.AuditAsync(), e =>
            e.Target == $"retention/{id}" && e.Action == "retention.requested"
        );
    }

    [Fact]
    public async Task self_approval_is_refused_and_changes_nothing()
    {
        var id = await RequestAsync(new { days = 400 });
        using var sameHolder = await Keys.CreateClientAsync(_api.Pipeline, ["approver"], "alice@demo.example");

        var selfApproval = await sameHolder.PostAsync($"/v1/approvals/{id}/approve", null, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, selfApproval.StatusCode);
        Assert.Equal("ERR_SELF_APPROVAL", await Json.ErrorCodeAsync(selfApproval));
        Assert.Equal(90, await DaysAsync());
        Assert.Contains(await _api.AuditAsync(), e =>
            e.Target == $"retention/{id}" && e.Action == "retention.approval_refused"
        );
    }

    [Fact]
    public async Task approval_by_another_principal_applies_it_with_its_audit_entry()
    {
        var id = await RequestAsync(new { days = 400 });

        var approved = await _api.Approver.PostAsync($"/v1/approvals/{id}/approve", null, Ct);

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(
            "completed",
            (await Json.ReadAsync(approved)).GetProperty("data").GetProperty("state").GetString()
        );
        Assert.Equal(400, await DaysAsync());
        var audit = await _api.AuditAsync();
        var changed = Assert.Single(audit, e => e.Action == "retention.changed");
        Assert.Equal(90, changed.Details.GetProperty("days_before").GetInt32());
        Assert.Equal(400, changed.Details.GetProperty("days").GetInt32());
        Assert.Equal(id, changed.Details.GetProperty("approval_id").GetString());
        Assert.Equal(
            ["retention.requested", "retention.approved"],
            audit.Where(e => e.Target == $"retention/{id}").Select(e => e.Action)
        );
    }

    [Fact]
    public async Task a_rejected_request_leaves_the_policy_unchanged()
    {
        var id = await RequestAsync(new { days = 3 });

        var rejected = await _api.Approver.PostAsync($"/v1/approvals/{id}/reject", null, Ct);
        var lateApproval = await _api.Approver.PostAsync($"/v1/approvals/{id}/approve", null, Ct);

        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, lateApproval.StatusCode);
        Assert.Equal(90, await DaysAsync());
        Assert.DoesNotContain(await _api.AuditAsync(), e => e.Action == "retention.changed");
    }

    [Fact]
    public async Task an_expired_request_leaves_the_policy_unchanged()
    {
        var id = await RequestAsync(new { days = 3 });
        await _api.Pipeline.Database.ExecuteAsync(
            $"UPDATE governance_requests SET expires_at = now() - interval '1 second' WHERE id = '{id}'"
        );

        var approval = await _api.Approver.PostAsync($"/v1/approvals/{id}/approve", null, Ct);

        Assert.Equal(HttpStatusCode.Conflict, approval.StatusCode);
        Assert.Equal("ERR_REQUEST_EXPIRED", await Json.ErrorCodeAsync(approval));
        Assert.Equal(90, await DaysAsync());
        Assert.Contains(await _api.AuditAsync(), e => e.Target == $"retention/{id}" && e.Action == "retention.expired");
    }

    private async Task<string> RequestAsync(object body)
    {
        var put = await _api.Requester.PutAsJsonAsync("/v1/admin/retention", body, Ct);
        Assert.Equal(HttpStatusCode.Accepted, put.StatusCode);
        return (await Json.ReadAsync(put)).GetProperty("data").GetProperty("approval_id").GetString()!;
    }

    private async Task<int> DaysAsync() =>
        (await Json.ReadAsync(await _api.Requester.GetAsync("/v1/admin/retention", Ct)))
            .GetProperty("data")
            .GetProperty("days")
            .GetInt32();
}
