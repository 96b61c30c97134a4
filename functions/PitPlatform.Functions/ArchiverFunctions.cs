using Microsoft.Azure.Functions.Worker;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Processing.Archive;
using PitPlatform.Processing.DeadLetters;

namespace PitPlatform.Functions;

/// <summary>
/// Every archived topic, in batches, into <see cref="Archiver"/> (group archiver): one trigger per topic, because a
/// Kafka trigger binds one topic. <see cref="FunctionBindings.Verify"/> checks they cover the catalog's archived
/// topics.
/// </summary>
public sealed class ArchiverFunctions(ConsumerGuard<Archiver> handler)
{
    /// <summary>Archives trade fills.</summary>
    [Function("ArchiveTradeFills")]
    [ExponentialBackoffRetry(
        FunctionBindings.RetryForever,
        FunctionBindings.RetryMinimumInterval,
        FunctionBindings.RetryMaximumInterval
    )]
    public Task ArchiveTradeFills(
        [KafkaTrigger(
            FunctionBindings.BrokerListSetting,
            FunctionBindings.TradeFillTopic,
            ConsumerGroup = FunctionBindings.ArchiverGroup,
            IsBatched = true,
            Protocol = FunctionBindings.KafkaProtocol,
            AuthenticationMode = FunctionBindings.KafkaAuthenticationMode,
            Username = FunctionBindings.KafkaUsername,
            Password = FunctionBindings.KafkaPassword
        )]
            byte[][] values,
        FunctionContext context,
        CancellationToken cancellationToken
    ) => ArchiveAsync(values, context, cancellationToken);

    /// <summary>Archives NAV updates.</summary>
    [Function("ArchiveNavUpdates")]
    [ExponentialBackoffRetry(
        FunctionBindings.RetryForever,
        FunctionBindings.RetryMinimumInterval,
        FunctionBindings.RetryMaximumInterval
    )]
    public Task ArchiveNavUpdates(
        [KafkaTrigger(
            FunctionBindings.BrokerListSetting,
            FunctionBindings.NavUpdateTopic,
            ConsumerGroup = FunctionBindings.ArchiverGroup,
            IsBatched = true,
            Protocol = FunctionBindings.KafkaProtocol,
            AuthenticationMode = FunctionBindings.KafkaAuthenticationMode,
            Username = FunctionBindings.KafkaUsername,
            Password = FunctionBindings.KafkaPassword
        )]
            byte[][] values,
        FunctionContext context,
        CancellationToken cancellationToken
    ) => ArchiveAsync(values, context, cancellationToken);

    /// <summary>Archives LLM calls.</summary>
    [Function("ArchiveLlmCalls")]
    [ExponentialBackoffRetry(
        FunctionBindings.RetryForever,
        FunctionBindings.RetryMinimumInterval,
        FunctionBindings.RetryMaximumInterval
    )]
    public Task ArchiveLlmCalls(
        [KafkaTrigger(
            FunctionBindings.BrokerListSetting,
            FunctionBindings.LlmCallTopic,
            ConsumerGroup = FunctionBindings.ArchiverGroup,
            IsBatched = true,
            Protocol = FunctionBindings.KafkaProtocol,
            AuthenticationMode = FunctionBindings.KafkaAuthenticationMode,
            Username = FunctionBindings.KafkaUsername,
            Password = FunctionBindings.KafkaPassword
        )]
            byte[][] values,
        FunctionContext context,
        CancellationToken cancellationToken
    ) => ArchiveAsync(values, context, cancellationToken);

    /// <summary>Archives usage records.</summary>
    [Function("ArchiveUsage")]
    [ExponentialBackoffRetry(
        FunctionBindings.RetryForever,
        FunctionBindings.RetryMinimumInterval,
        FunctionBindings.RetryMaximumInterval
    )]
    public Task ArchiveUsage(
        [KafkaTrigger(
            FunctionBindings.BrokerListSetting,
            FunctionBindings.UsageTopic,
            ConsumerGroup = FunctionBindings.ArchiverGroup,
            IsBatched = true,
            Protocol = FunctionBindings.KafkaProtocol,
            AuthenticationMode = FunctionBindings.KafkaAuthenticationMode,
            Username = FunctionBindings.KafkaUsername,
            Password = FunctionBindings.KafkaPassword
        )]
            byte[][] values,
        FunctionContext context,
        CancellationToken cancellationToken
    ) => ArchiveAsync(values, context, cancellationToken);

    /// <summary>Archives deletion workflow events.</summary>
    [Function("ArchiveDeletions")]
    [ExponentialBackoffRetry(
        FunctionBindings.RetryForever,
        FunctionBindings.RetryMinimumInterval,
        FunctionBindings.RetryMaximumInterval
    )]
    public Task ArchiveDeletions(
        [KafkaTrigger(
            FunctionBindings.BrokerListSetting,
            FunctionBindings.DeletionTopic,
            ConsumerGroup = FunctionBindings.ArchiverGroup,
            IsBatched = true,
            Protocol = FunctionBindings.KafkaProtocol,
            AuthenticationMode = FunctionBindings.KafkaAuthenticationMode,
            Username = FunctionBindings.KafkaUsername,
            Password = FunctionBindings.KafkaPassword
        )]
            byte[][] values,
        FunctionContext context,
        CancellationToken cancellationToken
    ) => ArchiveAsync(values, context, cancellationToken);

    /// <summary>Archives dead letters.</summary>
    [Function("ArchiveDeadLetters")]
    [ExponentialBackoffRetry(
        FunctionBindings.RetryForever,
        FunctionBindings.RetryMinimumInterval,
        FunctionBindings.RetryMaximumInterval
    )]
    public Task ArchiveDeadLetters(
        [KafkaTrigger(
            FunctionBindings.BrokerListSetting,
            FunctionBindings.DeadLetterTopic,
            ConsumerGroup = FunctionBindings.ArchiverGroup,
            IsBatched = true,
            Protocol = FunctionBindings.KafkaProtocol,
            AuthenticationMode = FunctionBindings.KafkaAuthenticationMode,
            Username = FunctionBindings.KafkaUsername,
            Password = FunctionBindings.KafkaPassword
        )]
            byte[][] values,
        FunctionContext context,
        CancellationToken cancellationToken
    ) => ArchiveAsync(values, context, cancellationToken);

    private Task ArchiveAsync(byte[][] values, FunctionContext context, CancellationToken cancellationToken) =>
        handler.HandleObservedAsync(
            KafkaRecordTranslator.Translate(values, context.BindingContext.BindingData),
            TimeProvider.System,
            cancellationToken
        );
}
