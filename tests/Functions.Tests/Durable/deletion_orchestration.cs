using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Governance.Deletion;
using PitPlatform.Testing;
using static PitPlatform.Functions.Tests.Durable.DeletionData;

namespace PitPlatform.Functions.Tests.Durable;

/// <summary>
/// The Functions app's deletion orchestration, started by its request function and woken by its approve and reject
/// functions, runs the shared purge steps only after an approval, and ends with the request's state in Postgres.
/// </summary>
public sealed class deletion_orchestration(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static readonly TimeSpan Outcome = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task an_approved_deletion_runs_every_purge_step_once_in_order_and_leaves_a_receipt()
    {
        await using var host = await DeletionHost.StartAsync(postgres, kafka, blob);
        await SeedAsync(host.Database, "demo", "alpha", "c1", "c2");
        await SeedAsync(host.Database, "demo", "beta", "c1");
        await ArchiveFillsAsync(
            host.Services,
            ("demo", "alpha", "c1"),
            ("demo", "beta", "c1"),
            ("demo", "alpha", "c2")
        );

        var id = await host.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "client left",
            }
        );
        await host.WaitingAsync(id);
        Assert.Empty(host.StepCalls);
        Assert.Equal(200, (await host.ApproveAsync(id)).Status);

        Assert.Equal("completed", await host.OutcomeAsync(id, Outcome));
        Assert.Equal(DeletionRunner.Steps.Select(step => (step, true)), host.StepCalls);
        var done = await host.GetAsync(id);
        Assert.Equal("completed", done.GetProperty("state").GetString());
        Assert.Equal(
            DeletionRunner.Steps,
            done.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString()!)
        );
        var receipt = done.GetProperty("receipt");
        Assert.Equal(id, receipt.GetProperty("request_id").GetString());
        var counts = receipt.GetProperty("counts");
        Assert.Equal(2 * PointsPerCell, counts.GetProperty("postgres.nav_points").GetInt64());
        Assert.Equal(2, counts.GetProperty("postgres.cell_cash").GetInt64());
        Assert.Equal(4, counts.GetProperty("postgres.llm_calls").GetInt64());
        Assert.Equal(2, counts.GetProperty("archive.records").GetInt64());
        Assert.Equal(2, counts.GetProperty("kafka.tombstones").GetInt64());

        foreach (var table in new[] { "nav_points", "cell_cash", "cell_positions", "llm_calls" })
        {
            Assert.Equal(0, await RowsAsync(host.Database, table, "demo", "alpha"));
            Assert.NotEqual(0, await RowsAsync(host.Database, table, "demo", "beta"));
        }
        Assert.Equal(["t/demo/s/beta/c/c1"], (await ArchivedFillsAsync(host.Services)).Select(e => e.Key));
        Assert.Equal(["deletion.requested", "deletion.approved", "deletion.completed"], await host.AuditAsync(id));
        var events = TopicReader
            .ReadAll(host.Kafka, DeletionEvents.Topic, expected: 3, TimeSpan.FromSeconds(20))
            .Select(r => EventEnvelope.Parser.ParseFrom(r.Message.Value).PayloadType);
        Assert.Equal(
            ["pit.events.v1.DeletionRequested", "pit.events.v1.DeletionApproved", "pit.events.v1.DeletionCompleted"],
            events
        );
    }

    [Fact]
    public async Task a_rejected_deletion_runs_no_step_and_the_orchestration_ends_rejected()
    {
        await using var host = await DeletionHost.StartAsync(postgres, kafka, blob);
        await SeedAsync(host.Database, "demo", "alpha", "c1");

        var id = await host.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "test",
            }
        );
        await host.WaitingAsync(id);
        Assert.Equal(200, (await host.RejectAsync(id)).Status);

        Assert.Equal("rejected", await host.OutcomeAsync(id, Outcome));
        Assert.Empty(host.StepCalls);
        Assert.Equal("rejected", await host.StateAsync(id));
        Assert.Equal(0, await host.Database.CountAsync("deletion_steps"));
        Assert.Equal(PointsPerCell, await RowsAsync(host.Database, "nav_points", "demo", "alpha"));
        Assert.Equal(["deletion.requested", "deletion.rejected"], await host.AuditAsync(id));
    }

    [Fact]
    public async Task an_unanswered_request_past_its_expiry_ends_expired_with_nothing_deleted()
    {
        // Nobody answers within the expiry: the wait times out at it, the next generation finds the request overdue and
        // expires it. The expiry leaves the first generation room to read the request before it is due, even on a
        // loaded machine (at 1 s the first read sometimes found it overdue already, which expires it in one generation:
        // right, but another path).
        await using var host = await DeletionHost.StartAsync(
            postgres,
            kafka,
            blob,
            approvalExpiry: TimeSpan.FromSeconds(5)
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

        Assert.Equal("expired", await host.OutcomeAsync(id, Outcome));
        Assert.Empty(host.StepCalls);
        Assert.Equal("expired", await host.StateAsync(id));
        Assert.Equal(0, await host.Database.CountAsync("deletion_steps"));
        Assert.Equal(PointsPerCell, await RowsAsync(host.Database, "nav_points", "demo", "alpha"));
        Assert.Equal(["deletion.requested", "deletion.expired"], await host.AuditAsync(id));
        Assert.True(host.History.Generations(id).Count >= 2, "the expiry is found by a generation after the wait");
    }
}
