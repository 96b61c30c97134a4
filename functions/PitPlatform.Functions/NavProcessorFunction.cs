using Microsoft.Azure.Functions.Worker;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Processing.Nav;

namespace PitPlatform.Functions;

/// <summary>Trade fills, in batches, into <see cref="NavProcessor"/> (group nav-processor).</summary>
public sealed class NavProcessorFunction(ConsumerGuard<NavProcessor> handler)
{
    [Function("NavProcessor")]
    [ExponentialBackoffRetry(
        FunctionBindings.RetryForever,
        FunctionBindings.RetryMinimumInterval,
        FunctionBindings.RetryMaximumInterval
    )]
    public Task Run(
        [KafkaTrigger(
            FunctionBindings.BrokerListSetting,
            FunctionBindings.TradeFillTopic,
            ConsumerGroup = FunctionBindings.NavProcessorGroup,
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
        handler.HandleObservedAsync(
            KafkaRecordTranslator.Translate(values, context.BindingContext.BindingData),
            TimeProvider.System,
            cancellationToken
        );
}
