using System.Net;
using System.Net.Http.Json;
using PitPlatform.Governance.Tests.Deletion;
using PitPlatform.Governance.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Approvals;

/// <summary>
/// Turning redaction off for a tenant is only requested by PUT /v1/admin/redaction; another principal's approval
/// applies it.
/// </summary>
public sealed class redaction_off_approval(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
    : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private DeletionApi _api = null!;

    public async ValueTask InitializeAsync() => _api = await DeletionApi.StartAsync(postgres, kafka, blob);

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task store_raw_becomes_a_request_and_the_approval_applies_it()
    {
        var put = await _api.Requester.PutAsJsonAsync("/v1/admin/redaction", new { store_raw = true }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, put.StatusCode);
        var id = (await Json.ReadAsync(put)).GetProperty("data").GetProperty("approval_id").GetString()!;
        Assert.False(await StoreRawAsync());

        var self = await _api.Requester.PostAsync($"/v1/approvals/{id}/approve", null, Ct);
        using var sameHolder = await Keys.CreateClientAsync(_api.Pipeline, ["approver"], "alice@demo.example");
        var selfApproval = await sameHolder.PostAsync($"/v1/approvals/{id}/approve", null, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, self.StatusCode);
        Assert.Equal("ERR_SELF_APPROVAL", await Json.ErrorCodeAsync(selfApproval));
        Assert.False(await StoreRawAsync());

        var approved = await _api.Approver.PostAsync($"/v1/approvals/{id}/approve", null, Ct);

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(
            "completed",
            (await Json.ReadAsync(approved)).GetProperty("data").GetProperty("state").GetString()
        );
        Assert.True(await StoreRawAsync());
        var audit = await _api.AuditAsync();
        Assert.Equal(
            ["redaction.requested", "redaction.approval_refused", "redaction.approved"],
            audit.Where(e => e.Target == $"redaction/{id}").Select(e => e.Action)
        );
        // The admin key without the approver scope is refused before its request is looked up.
        Assert.Contains(audit, e => e.Target == $"approval/{id}" && e.Action == "approval.approval_refused");
    }

    [Fact]
    public async Task a_rejected_request_changes_nothing_and_turning_redaction_back_on_needs_no_approval()
    {
        var put = await _api.Requester.PutAsJsonAsync("/v1/admin/redaction", new { store_raw = true }, Ct);
        var id = (await Json.ReadAsync(put)).GetProperty("data").GetProperty("approval_id").GetString()!;
        Assert.Equal(
            HttpStatusCode.OK,
            (await _api.Approver.PostAsync($"/v1/approvals/{id}/reject", null, Ct)).StatusCode
        );
        Assert.False(await StoreRawAsync());

        var again = await _api.Requester.PutAsJsonAsync("/v1/admin/redaction", new { store_raw = true }, Ct);
        var againId = (await Json.ReadAsync(again)).GetProperty("data").GetProperty("approval_id").GetString()!;
        await _api.Approver.PostAsync($"/v1/approvals/{againId}/approve", null, Ct);
        Assert.True(await StoreRawAsync());
        var off = await _api.Requester.PutAsJsonAsync("/v1/admin/redaction", new { store_raw = false }, Ct);

        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        Assert.False(await StoreRawAsync());
    }

    [Fact]
    public async Task store_raw_mixed_with_other_changes_is_refused()
    {
        var put = await _api.Requester.PutAsJsonAsync(
            "/v1/admin/redaction",
            new { store_raw = true, email = "mask" },
            Ct
        );

        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Equal("ERR_APPROVAL_REQUIRED", await Json.ErrorCodeAsync(put));
        Assert.Equal(0, await _api.Pipeline.Database.CountAsync("governance_requests"));
    }

    private async Task<bool> StoreRawAsync() =>
        (await Json.ReadAsync(await _api.Requester.GetAsync("/v1/admin/redaction", Ct)))
            .GetProperty("data")
            .GetProperty("store_raw")
            .GetBoolean();
}
