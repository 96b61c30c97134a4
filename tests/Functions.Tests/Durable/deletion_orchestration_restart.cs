using Microsoft.DurableTask;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Governance.Deletion;
using PitPlatform.Testing;
using static PitPlatform.Functions.Tests.Durable.DeletionData;

namespace PitPlatform.Functions.Tests.Durable;

/// <summary>
/// The engine stops in the middle of an approved deletion, after a step's effect committed but before its result
/// reached the orchestration's history. The in-process engine keeps histories in memory only, so the instance run
/// again on a new engine starts over and asks for every step again: the activities skip what is done, and each step's
/// effect (rows, archive rewrites, tombstones, the completion and its event) happens exactly once.
/// </summary>
public sealed class deletion_orchestration_restart(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private const string StepBeforeTheStop = "purge_cell_state";

    [Fact]
    public async Task an_orchestration_run_again_after_its_engine_stopped_mid_way_applies_each_steps_effect_once()
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
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // First life: the worker goes away right after the step committed, so its result never reaches the history.
        host.AfterStep = (input, _) =>
        {
            if (input.Step != StepBeforeTheStop)
                return Task.CompletedTask;
            stopping.TrySetResult();
            throw new InvalidOperationException("the worker stops before this step's result is recorded");
        };

        var id = await host.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "client left",
            }
        );
        await host.WaitingAsync(id);
        Assert.Equal(200, (await host.ApproveAsync(id)).Status);
        await stopping.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        host.AfterStep = null;
        await host.RestartEngineAsync();
        var firstLife = host.StepCalls.ToList();
        Assert.Equal("approved", await host.StateAsync(id));

        // Second life: the same instance id, started as the request function starts it.
        await host.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(DeletionOrchestrator),
            id,
            new StartOrchestrationOptions { InstanceId = id },
            TestContext.Current.CancellationToken
        );
        Assert.Equal("completed", await host.OutcomeAsync(id, TimeSpan.FromSeconds(30)));

        var doneBefore = DeletionRunner
            .Steps.Take(DeletionRunner.Steps.ToList().IndexOf(StepBeforeTheStop) + 1)
            .ToList();
        Assert.Equal(doneBefore.Select(step => (step, true)), firstLife);
        Assert.Equal(
            DeletionRunner.Steps.Select(step => (step, !doneBefore.Contains(step))),
            host.StepCalls.Skip(firstLife.Count)
        );
        Assert.Equal(
            DeletionRunner.Steps.Count,
            await host.Database.CountAsync("deletion_steps", $"request_id = '{id}'")
        );

        var counts = (await host.GetAsync(id)).GetProperty("receipt").GetProperty("counts");
        Assert.Equal(2 * PointsPerCell, counts.GetProperty("postgres.nav_points").GetInt64());
        Assert.Equal(2, counts.GetProperty("postgres.cell_cash").GetInt64());
        Assert.Equal(2, counts.GetProperty("postgres.cell_positions").GetInt64());
        Assert.Equal(4, counts.GetProperty("postgres.llm_calls").GetInt64());
        Assert.Equal(2, counts.GetProperty("archive.records").GetInt64());
        Assert.Equal(2, counts.GetProperty("kafka.tombstones").GetInt64());
        Assert.Equal(0, await RowsAsync(host.Database, "cell_cash", "demo", "alpha"));
        Assert.Equal(1, await RowsAsync(host.Database, "cell_cash", "demo", "beta"));
        Assert.Equal(["t/demo/s/beta/c/c1"], (await ArchivedFillsAsync(host.Services)).Select(e => e.Key));
        Assert.Equal(["deletion.requested", "deletion.approved", "deletion.completed"], await host.AuditAsync(id));

        // Kafka keeps every record produced: one completion announced, one tombstone per key of the scope.
        var events = TopicReader.ReadAll(host.Kafka, DeletionEvents.Topic, expected: 3, TimeSpan.FromSeconds(20));
        Assert.Equal(
            ["pit.events.v1.DeletionRequested", "pit.events.v1.DeletionApproved", "pit.events.v1.DeletionCompleted"],
            events.Select(r => EventEnvelope.Parser.ParseFrom(r.Message.Value).PayloadType)
        );
        var tombstones = TopicReader.ReadAll(host.Kafka, "pit.v1.acct.usage", expected: 2, TimeSpan.FromSeconds(20));
        Assert.Equal(
            ["t/demo/s/alpha/c/c1", "t/demo/s/alpha/c/c2"],
            tombstones.Select(t => System.Text.Encoding.UTF8.GetString(t.Message.Key)).Order()
        );
    }
}
