using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using PitPlatform.Contracts;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Identifiers;
using PitPlatform.Contracts.Keys;
using PitPlatform.Contracts.Scheduling;
using PitPlatform.Infrastructure.Kafka;

namespace PitPlatform.Governance.Retention;

/// <summary>
/// Emits one RetentionSweep per known tenant to pit.v1.ops.retention_sweep, for the retention-sweeper group. Host
/// independent (<see cref="IScheduledJob"/>): the local host runs it at start and every sweep period, the Functions
/// app from a timer (daily at 03:00 UTC). The
/// sweep's time is the start of the current period, so every run within one period (a second host, a retried timer)
/// emits the same event ids and the sweeper does each sweep once.
/// </summary>
public class RetentionScheduler(
    RetentionPolicyStore policies,
    EnvelopeProducer producer,
    TopicCatalog catalog,
    TimeProvider time,
    ILogger<RetentionScheduler> logger
) : IScheduledJob
{
    public const string JobName = "RetentionScheduler";
    public const string DailySchedule = "0 0 3 * * *";

    public const string ProducerName = "retention-scheduler";

    /// <summary>
    /// The series of the sweep's key: sweeps spread over partitions by tenant and stay ordered per tenant.
    /// </summary>
    public const string KeySeries = "retention";

    private readonly EnvelopeBuilder _envelopes = new(catalog, PitVersion.Producer(ProducerName));

    /// <summary>For mocking.</summary>
    protected RetentionScheduler()
        : this(null!, null!, TopicCatalog.Embedded, TimeProvider.System, null!) { }

    public string Name => JobName;

    public string Schedule => DailySchedule;

    public TimeSpan LocalInterval => policies.Settings.SweepPeriod;

    Task IScheduledJob.RunAsync(CancellationToken cancellationToken) => RunAsync(cancellationToken);

    /// <summary>Returns how many sweeps were emitted.</summary>
    public virtual async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var period = policies.Settings.SweepPeriod;
        var now = time.GetUtcNow();
        var slot = new DateTimeOffset(now.UtcTicks - now.UtcTicks % period.Ticks, TimeSpan.Zero);
        var emitted = 0;
        foreach (var chunk in (await policies.ListAsync(cancellationToken).ConfigureAwait(false)).Chunk(1_000))
        {
            var produced = new List<Task>(chunk.Length);
            foreach (var policy in chunk)
            {
                if (KeySegment.Check("tenant", policy.Tenant) is { } problem)
                {
                    logger.LogWarning(
                        "{Producer}: no sweep for tenant '{Tenant}': {Problem}",
                        ProducerName,
                        policy.Tenant,
                        problem
                    );
                    continue;
                }
                var id = DeterministicGuid.Create(
                    DeterministicGuid.PitNamespace,
                    $"retention-sweep:{policy.Tenant}:{slot.UtcTicks}"
                );
                var sweep = new RetentionSweep
                {
                    Tenant = policy.Tenant,
                    Cutoff = Timestamp.FromDateTimeOffset(policy.CutoffAt(slot)),
                    RetentionDays = policy.Days,
                };
                produced.Add(
                    producer.ProduceAsync(
                        _envelopes.Build(
                            id,
                            slot,
                            RetentionSweeper.Topic,
                            CanonicalKey.ForSeries(policy.Tenant, KeySeries),
                            sweep
                        ),
                        cancellationToken
                    )
                );
            }
            await Task.WhenAll(produced).ConfigureAwait(false);
            emitted += produced.Count;
        }
        logger.LogInformation("{Producer}: {Sweeps} sweeps emitted for {Slot}", ProducerName, emitted, slot);
        return emitted;
    }
}
