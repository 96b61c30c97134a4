using PitPlatform.Governance.Deletion;
using PitPlatform.Testing;
using static PitPlatform.Functions.Tests.Durable.DeletionData;

namespace PitPlatform.Functions.Tests.Durable;

/// <summary>
/// An approval and the expiry race in Postgres, under the request's row lock: exactly one wins, and the orchestration
/// ends with whatever Postgres says, however the race fell.
/// </summary>
public sealed class deletion_orchestration_races(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    [Fact]
    public async Task an_approval_racing_the_expiry_has_one_outcome_and_the_orchestration_ends_in_the_postgres_state()
    {
        await using var host = await DeletionHost.StartAsync(
            postgres,
            kafka,
            blob,
            approvalExpiry: TimeSpan.FromSeconds(3)
        );
        // Approvals aimed at each request's expiry: well before, a few milliseconds either side, well after. On a slow
        // machine an aim may be missed; whichever way each race falls, the outcome must agree with Postgres.
        int[] aimsMs = [-300, -5, 0, 5, 300];
        var series = aimsMs.Select((_, i) => $"s{i}").ToArray();
        foreach (var s in series)
            await SeedAsync(host.Database, "demo", s, "c1");
        var ids = await Task.WhenAll(
            series.Select(s =>
                host.RequestAsync(
                    new
                    {
                        scope = "series",
                        series = s,
                        reason = "race",
                    }
                )
            )
        );

        var approvals = await Task.WhenAll(
            ids.Select(
                async (id, i) =>
                {
                    var expiresAt = await host.Database.ScalarAsync<DateTime>(
                        $"SELECT expires_at FROM governance_requests WHERE id = '{id}'"
                    );
                    var wait = expiresAt.AddMilliseconds(aimsMs[i]) - DateTime.UtcNow;
                    if (wait > TimeSpan.Zero)
                        await Task.Delay(wait, TestContext.Current.CancellationToken);
                    return await host.ApproveAsync(id);
                }
            )
        );
        var outcomes = await Task.WhenAll(ids.Select(id => host.OutcomeAsync(id, TimeSpan.FromSeconds(30))));

        for (var i = 0; i < ids.Length; i++)
        {
            var state = await host.StateAsync(ids[i]);
            var approved = state == "completed";
            Assert.True(approved || state == "expired", $"{ids[i]} is {state}");
            Assert.Equal(state, outcomes[i]);
            Assert.Equal(approved ? 200 : 409, approvals[i].Status);
            var audit = await host.AuditAsync(ids[i]);
            Assert.Equal(approved ? 1 : 0, audit.Count(a => a == "deletion.approved"));
            Assert.Equal(approved ? 0 : 1, audit.Count(a => a == "deletion.expired"));
            Assert.Equal(
                approved ? DeletionRunner.Steps.Count : 0,
                await host.Database.CountAsync("deletion_steps", $"request_id = '{ids[i]}'")
            );
            Assert.Equal(approved ? 0 : PointsPerCell, await RowsAsync(host.Database, "nav_points", "demo", series[i]));
        }
    }

    [Fact]
    public async Task an_approval_landing_just_after_the_orchestration_read_the_request_wakes_it_at_once()
    {
        // The production slice (an hour): an approval whose event went nowhere would be seen only after it.
        await using var host = await DeletionHost.StartAsync(postgres, kafka, blob);
        await SeedAsync(host.Database, "demo", "alpha", "c1");
        FunctionResponse? approval = null;
        // The approver answers as the orchestration's first read returns pending, before it waits.
        host.AfterNextRead = async id => approval = await host.ApproveAsync(id);
        var id = await host.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "test",
            }
        );

        Assert.Equal("completed", await host.OutcomeAsync(id, TimeSpan.FromSeconds(30)));
        Assert.Equal(200, approval?.Status);
        Assert.Equal(DeletionRunner.Steps.Select(step => (step, true)), host.StepCalls);
    }

    [Fact]
    public async Task an_approval_between_the_overdue_check_and_the_sweep_is_refused_and_the_request_expires_at_once()
    {
        await using var host = await DeletionHost.StartAsync(
            postgres,
            kafka,
            blob,
            approvalExpiry: TimeSpan.FromSeconds(1)
        );
        await SeedAsync(host.Database, "demo", "alpha", "c1");
        var id = await host.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "test",
            }
        );
        // The approver answers after the expiry, just as the orchestration has found the request overdue and is about
        // to sweep: the approval is refused and expires the request itself, so the sweep finds nothing left to expire.
        FunctionResponse? late = null;
        host.BeforeNextExpiry = async () => late = await host.ApproveAsync(id);

        // Well before the overdue re-check's timer would fire: the orchestration did not wait on it.
        Assert.Equal("expired", await host.OutcomeAsync(id, DeletionOrchestrator.OverdueRecheck / 2));
        Assert.NotNull(late);
        Assert.Equal(409, late.Status);
        Assert.Equal("ERR_REQUEST_EXPIRED", late.Body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("expired", await host.StateAsync(id));
        Assert.Empty(host.StepCalls);
        Assert.Equal(PointsPerCell, await RowsAsync(host.Database, "nav_points", "demo", "alpha"));
        Assert.Equal(
            ["deletion.requested", "deletion.expired", "deletion.approval_refused"],
            await host.AuditAsync(id)
        );
    }
}
