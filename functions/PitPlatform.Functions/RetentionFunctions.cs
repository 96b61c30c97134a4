using Microsoft.Azure.Functions.Worker;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Governance.Retention;
using PitPlatform.Processing.DeadLetters;

namespace PitPlatform.Functions;

/// <summary>
/// Retention: a timer emits one RetentionSweep per tenant (<see cref="RetentionScheduler"/>), and sweeps are consumed
/// in batches by <see cref="RetentionSweeper"/> (group retention-sweeper), which deletes expired rows and blobs.
/// </summary>
public sealed class RetentionFunctions(RetentionScheduler scheduler, ConsumerGuard<RetentionSweeper> sweeper)
{
    [Function(RetentionScheduler.JobName)]
    public Task Schedule(
        [TimerTrigger(FunctionBindings.RetentionSweepSchedule)] TimerInfo timer,
        CancellationToken cancellationToken
    ) => scheduler.RunAsync(cancellationToken);

    [Function("RetentionSweeper")]
    [ExponentialBackoffRetry(
        FunctionBindings.RetryForever,
        FunctionBindings.RetryMinimumInterval,
        FunctionBindings.RetryMaximumInterval
    )]
    public Task Sweep(
        [KafkaTrigger(
            FunctionBindings.BrokerListSetting,
            FunctionBindings.RetentionSweepTopic,
            ConsumerGroup = FunctionBindings.RetentionSweeperGroup,
            IsBatched = true,
            Protocol = FunctionBindings.KafkaProtocol,
            AuthenticationMode = FunctionBindings.KafkaAuthenticationMode,
            Username = FunctionBindings.KafkaUsername,
            Password = FunctionBindings.KafkaPassword
        )]
            byte[][] values,
        FunctionContext context,
        CancellationToken cancellationToken
    ) =>
        sweeper.HandleObservedAsync(
            KafkaRecordTranslator.Translate(values, context.BindingContext.BindingData),
            TimeProvider.System,
            cancellationToken
        );
}
