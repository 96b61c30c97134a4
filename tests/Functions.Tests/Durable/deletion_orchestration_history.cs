using PitPlatform.Governance.Deletion;
using PitPlatform.Testing;
using static PitPlatform.Functions.Tests.Durable.DeletionData;

namespace PitPlatform.Functions.Tests.Durable;

/// <summary>
/// A request waits days for its decision (72 hours by default). The orchestration waits in bounded slices and continues
/// as new between them, so each generation's history stays a handful of events however many slices pass. The
/// in-process engine's timers run in real time and it has no clock to move, so the slice is shortened instead.
/// </summary>
public sealed class deletion_orchestration_history(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(200);
    private const int Slices = 8;

    /// <summary>
    /// What one waiting generation's replay reads at most: its start, a read, the wait's timer (created and fired, or
    /// the decision's event), the read after it, and the engine's markers of its four episodes (14), with room to
    /// spare.
    /// </summary>
    private const int HandfulOfEvents = 20;

    /// <summary>
    /// A step adds its activity's scheduled and completed events and the markers of the episode that handles it.
    /// </summary>
    private const int EventsPerStep = 4;

    [Fact]
    public async Task a_wait_of_days_continues_as_new_each_slice_and_no_generation_reads_more_than_a_handful_of_events()
    {
        await using var host = await DeletionHost.StartAsync(postgres, kafka, blob, maxWait: Slice);
        await SeedAsync(host.Database, "demo", "alpha", "c1");
        var id = await host.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "client left",
            }
        );
        var requested = await host.GetAsync(id);
        Assert.Equal(
            TimeSpan.FromHours(72),
            requested.GetProperty("expires_at").GetDateTime() - requested.GetProperty("requested_at").GetDateTime()
        );

        await Eventually.WaitForAsync(
            () => Task.FromResult(host.History.Generations(id).Count),
            n => n >= Slices,
            TimeSpan.FromSeconds(30),
            $"{Slices} slices of the wait"
        );
        await host.WaitingAsync(id);
        Assert.Equal(200, (await host.ApproveAsync(id)).Status);
        Assert.Equal("completed", await host.OutcomeAsync(id, TimeSpan.FromSeconds(30)));

        // Every generation but the last ended its slice still pending and continued as new; the last saw the approval
        // and ran the steps.
        var generations = host.History.Generations(id);
        var waiting = generations.Take(generations.Count - 1).ToList();
        Assert.True(waiting.Count >= Slices - 1, $"{waiting.Count} generations waited");
        Assert.All(waiting, g => Assert.InRange(g.LargestReplay, 1, HandfulOfEvents));
        Assert.True(waiting[^1].LargestReplay <= waiting[0].LargestReplay, "the last slice read more than the first");
        // Only the generation that runs the steps reads theirs.
        Assert.InRange(generations[^1].LargestReplay, 1, HandfulOfEvents + EventsPerStep * DeletionRunner.Steps.Count);
        Assert.Equal(DeletionRunner.Steps.Select(step => (step, true)), host.StepCalls);
    }
}
