using System.Net;
using System.Text.Json;
using PitPlatform.Governance.Deletion;
using PitPlatform.Governance.Tests.Tenants;
using PitPlatform.LocalHost;
using PitPlatform.Processing.Usage;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Deletion;

/// <summary>
/// The consumer barrier: a deletion's purge steps start only once every consumer group that writes a store has
/// committed past the end offsets its scope's topics had at the approval, so events accepted just before the approval
/// are processed, then purged, and never write the scope's rows again after the receipt.
/// </summary>
public sealed class deletion_barrier(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Stores =
    [
        "nav_points",
        "nav_rollups",
        "cell_cash",
        "cell_positions",
        "recent_events",
    ];

    [Fact]
    public async Task a_deletion_waits_for_events_accepted_before_its_approval()
    {
        await using var api = await DeletionApi.StartAsync(postgres, kafka, blob, runConsumers: true);
        var db = api.Pipeline.Database;
        var id = await api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "client left",
            }
        );
        Assert.Equal(HttpStatusCode.Accepted, (await TenantApi.IngestAsync(api.Pipeline.Http, events: 3)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.ApproveAsync(id)).StatusCode);

        var done = await api.CompletedAsync(id);

        // The three events were processed before the purge (their NAV points were there to count), then purged.
        Assert.Equal(3, done.GetProperty("counts").GetProperty("postgres.nav_points").GetInt64());
        var barrier = await StepDetailsAsync(db, id, DeletionBarrier.Step);
        Assert.True(barrier.GetProperty("marks").TryGetProperty("pit.v1.exec.trade_fill", out var marks));
        Assert.True(marks.EnumerateObject().Sum(p => p.Value.GetInt64()) >= 3);
        // Nothing comes back after the receipt: the consumers had nothing of the scope left to write.
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        foreach (var table in Stores)
            Assert.True(
                await db.CountAsync(table, "tenant = 'demo' AND series = 'alpha'") == 0,
                $"rows of the deleted series are back in {table}"
            );
    }

    [Fact]
    public async Task a_deletion_waiting_on_a_stopped_consumer_says_which_group()
    {
        await using var api = await DeletionApi.StartAsync(postgres, kafka, blob, runConsumers: true);
        var db = api.Pipeline.Database;
        foreach (var loop in api.Pipeline.Service<ConsumerLoopsService>().Loops)
            if (loop.ConsumerGroup == UsageAggregator.Group)
                await loop.StopAsync();
        var id = await api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "client left",
            }
        );
        Assert.Equal(HttpStatusCode.Accepted, (await TenantApi.IngestAsync(api.Pipeline.Http, events: 1)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.ApproveAsync(id)).StatusCode);

        var barrier = api.Pipeline.Service<DeletionBarrier>();
        var waitingOn = await Eventually.WaitForAsync(
            () => barrier.WaitingOnAsync(Guid.Parse(id), Ct),
            w => w?.Contains(UsageAggregator.Group, StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(60),
            "the deletion names the stopped group"
        );
        Assert.Contains("pit.v1.exec.trade_fill[", waitingOn, StringComparison.Ordinal);

        // It never proceeds on its own: no purge step ran and the event the other groups processed is still there.
        await Task.Delay(TimeSpan.FromSeconds(6), Ct);
        Assert.Equal("approved", (await api.GetAsync(id)).GetProperty("state").GetString());
        Assert.Equal(0, await db.CountAsync("deletion_steps", $"request_id = '{id}'"));
        Assert.Equal(1, await db.CountAsync("nav_points", "tenant = 'demo' AND series = 'alpha'"));
    }

    private static async Task<JsonElement> StepDetailsAsync(TestDatabase db, string id, string step)
    {
        await using var command = db.DataSource.CreateCommand(
            "SELECT details::text FROM deletion_steps WHERE request_id = $1 AND step = $2"
        );
        command.Parameters.Add(new() { Value = Guid.Parse(id) });
        command.Parameters.Add(new() { Value = step });
        var text = (string)(await command.ExecuteScalarAsync(Ct))!;
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
