using Microsoft.Azure.Functions.Worker;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Processing.Usage;

namespace PitPlatform.Functions;

/// <summary>
/// LLM calls and trade fills, in batches, into <see cref="UsageAggregator"/> (group usage-aggregator). A trigger binds
/// one topic, so the handler's two topics get one trigger each, in the same consumer group.
/// </summary>
public sealed class UsageAggregatorFunctions(ConsumerGuard<UsageAggregator> handler)
{
    [Function("UsageAggregatorLlmCalls")]
    [ExponentialBackoffRetry(
        FunctionBindings.RetryForever,
        FunctionBindings.RetryMinimumInterval,
        FunctionBindings.RetryMaximumInterval
    )]
    public Task RunLlmCalls(
        [KafkaTrigger(
            FunctionBindings.BrokerListSetting,
            FunctionBindings.LlmCallTopic,
            ConsumerGroup = FunctionBindings.UsageAggregatorGroup,
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

    [Function("UsageAggregatorTradeFills")]
    [ExponentialBackoffRetry(
        FunctionBindings.RetryForever,
        FunctionBindings.RetryMinimumInterval,
        FunctionBindings.RetryMaximumInterval
    )]
    public Task RunTradeFills(
        [KafkaTrigger(
            FunctionBindings.BrokerListSetting,
            FunctionBindings.TradeFillTopic,
            ConsumerGroup = FunctionBindings.UsageAggregatorGroup,
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
