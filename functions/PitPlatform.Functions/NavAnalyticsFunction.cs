using Microsoft.Azure.Functions.Worker;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Processing.Nav;

namespace PitPlatform.Functions;

/// <summary>NAV updates, in batches, into <see cref="NavAnalyticsConsumer"/> (group nav-analytics).</summary>
public sealed class NavAnalyticsFunction(ConsumerGuard<NavAnalyticsConsumer> handler)
{
    [Function("NavAnalytics")]
    [ExponentialBackoffRetry(
        FunctionBindings.RetryForever,
        FunctionBindings.RetryMinimumInterval,
        FunctionBindings.RetryMaximumInterval
    )]
    public Task Run(
        [KafkaTrigger(
            FunctionBindings.BrokerListSetting,
            FunctionBindings.NavUpdateTopic,
            ConsumerGroup = FunctionBindings.NavAnalyticsGroup,
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
