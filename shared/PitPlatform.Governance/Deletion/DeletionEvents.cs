using Google.Protobuf.WellKnownTypes;
using PitPlatform.Contracts;
using PitPlatform.Contracts.Catalog;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Contracts.Identifiers;
using PitPlatform.Governance.Approvals;
using PitPlatform.Infrastructure.Kafka;

namespace PitPlatform.Governance.Deletion;

/// <summary>
/// DeletionRequested, DeletionApproved and DeletionCompleted on pit.v1.policy.deletion. Event ids derive from the
/// request id, so a step that runs again produces the same event again (consumers deduplicate on event_id).
/// </summary>
public class DeletionEvents(EnvelopeProducer producer, TopicCatalog catalog)
{
    public const string Topic = "pit.v1.policy.deletion";
    private readonly EnvelopeBuilder _builder = new(catalog, PitVersion.Producer("governance"));

    /// <summary>For mocking.</summary>
    protected DeletionEvents()
        : this(null!, TopicCatalog.Embedded) { }

    public virtual Task RequestedAsync(
        GovernanceRequest request,
        DeletionScope scope,
        CancellationToken cancellationToken
    ) =>
        ProduceAsync(
            request,
            scope,
            "requested",
            request.RequestedAt,
            new DeletionRequested
            {
                RequestId = request.Id.ToString("D"),
                Scope = scope.ToProto(),
                Reason = request.Reason,
                RequestedBy = request.RequestedBy.Principal,
                ExpiresAt = Timestamp.FromDateTimeOffset(request.ExpiresAt),
            },
            cancellationToken
        );

    public virtual Task ApprovedAsync(
        GovernanceRequest request,
        DeletionScope scope,
        string approvedBy,
        DateTimeOffset at,
        CancellationToken cancellationToken
    ) =>
        ProduceAsync(
            request,
            scope,
            "approved",
            at,
            new DeletionApproved { RequestId = request.Id.ToString("D"), ApprovedBy = approvedBy },
            cancellationToken
        );

    public virtual Task CompletedAsync(
        GovernanceRequest request,
        DeletionScope scope,
        IReadOnlyDictionary<string, long> counts,
        DateTimeOffset goneBy,
        DateTimeOffset at,
        CancellationToken cancellationToken
    )
    {
        var completed = new DeletionCompleted
        {
            RequestId = request.Id.ToString("D"),
            KafkaRetentionGoneBy = Timestamp.FromDateTimeOffset(goneBy),
        };
        foreach (var (store, count) in counts)
            completed.DeletedCounts[store] = count;
        return ProduceAsync(request, scope, "completed", at, completed, cancellationToken);
    }

    private Task ProduceAsync(
        GovernanceRequest request,
        DeletionScope scope,
        string what,
        DateTimeOffset ts,
        Google.Protobuf.IMessage payload,
        CancellationToken cancellationToken
    )
    {
        var envelope = _builder.Build(
            DeterministicGuid.Create(DeterministicGuid.PitNamespace, $"deletion:{request.Id:D}:{what}"),
            ts,
            Topic,
            scope.EventKey(request.Tenant),
            payload
        );
        return producer.ProduceAsync(envelope, cancellationToken);
    }
}
