using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using PitPlatform.Governance.Deletion;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Testing;

namespace PitPlatform.Functions.Tests.Durable;

/// <summary>
/// The orchestration's consumer barrier: with a record on an ingest topic that no consumer runs to commit, an approved
/// deletion runs no purge step and says in its custom status which group it waits on.
/// </summary>
public sealed class deletion_orchestration_barrier(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task an_orchestration_waiting_on_a_consumer_group_names_it_in_its_status_and_purges_nothing()
    {
        await using var host = await DeletionHost.StartAsync(postgres, kafka, blob);
        await host
            .Services.GetRequiredService<EnvelopeProducer>()
            .ProduceRawAsync("pit.v1.exec.trade_fill", [1], [2], [], Ct);
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

        var instance = await Eventually.WaitForAsync(
            () => host.Client.GetInstanceAsync(id, getInputsAndOutputs: true, Ct),
            i => i?.SerializedCustomStatus?.Contains("waiting-on-consumers", StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(30),
            $"orchestration {id} waiting on its consumers"
        );
        Assert.Contains("consumer group nav-processor", instance!.SerializedCustomStatus, StringComparison.Ordinal);
        Assert.Contains("pit.v1.exec.trade_fill[", instance.SerializedCustomStatus, StringComparison.Ordinal);
        Assert.Equal(OrchestrationRuntimeStatus.Running, instance.RuntimeStatus);
        Assert.Equal("approved", await host.StateAsync(id));
        Assert.DoesNotContain(host.StepCalls, c => c.Step != DeletionBarrier.Step);
    }
}
