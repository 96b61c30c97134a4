using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Npgsql;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Governance.Audit;

namespace PitPlatform.Governance.Approvals;

/// <summary>
/// Approves or rejects a governance request. The decider needs the approver scope and must be of the request's
/// tenant (an offboarding: the operator scope, <see cref="MayDecide"/>), and its principal must differ from the
/// requester's; the request must be pending and not past its expiry. Every attempt is audited, refused ones included
/// (action <c>{kind}.approval_refused</c> with the reason). The decision, its audit entry and the applied change commit
/// together, under a row lock on the request, so two concurrent approvals cannot both pass.
/// </summary>
public class ApprovalDecisions(
    NpgsqlDataSource dataSource,
    GovernanceRequestStore store,
    AuditTrail audit,
    IEnumerable<IApprovalKind> kinds,
    TimeProvider time,
    ILogger<ApprovalDecisions> logger
)
{
    private readonly Dictionary<string, IApprovalKind> _kinds = kinds.ToDictionary(k => k.Kind, StringComparer.Ordinal);

    /// <param name="kind">The kind the route serves (a deletion route never decides a redaction request); null: any
    /// kind.</param>
    /// <param name="requestId">The id as sent; a text that is not a UUID is refused like an unknown id.</param>
    public virtual async Task<ApprovalDecision> DecideAsync(
        ApiKeyPrincipal decider,
        string? kind,
        string requestId,
        bool approve,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(decider);
        var actor = AuditActor.ForKey(decider);
        var verb = approve ? "approve" : "reject";
        var routeKind = kind ?? "approval";
        if (!decider.Has(ApiKeyScope.Approver) && !decider.Has(ApiKeyScope.Operator))
            return await RefuseAsync(
                    decider.Tenant,
                    actor,
                    routeKind,
                    requestId,
                    verb,
                    ApprovalRefusal.MissingScope(),
                    cancellationToken
                )
                .ConfigureAwait(false);
        if (!Guid.TryParse(requestId, out var id))
            return await RefuseAsync(
                    decider.Tenant,
                    actor,
                    routeKind,
                    requestId,
                    verb,
                    ApprovalRefusal.NotFound(),
                    cancellationToken
                )
                .ConfigureAwait(false);

        ApprovalRefusal? refusal;
        GovernanceRequest? request;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            request = await store.LockAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
            if (request is null || !MayDecide(decider, request) || (kind is not null && request.Kind != kind))
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                // Tell the owning tenant that someone else tried to decide its request.
                if (request is not null && request.Tenant != decider.Tenant)
                    await AppendRefusalAsync(
                            request.Tenant,
                            actor,
                            request.Target,
                            verb,
                            ApprovalRefusal.NotFound() with
                            {
                                Reason = "other_tenant",
                            },
                            cancellationToken
                        )
                        .ConfigureAwait(false);
                return await RefuseAsync(
                        decider.Tenant,
                        actor,
                        routeKind,
                        requestId,
                        verb,
                        ApprovalRefusal.NotFound(),
                        cancellationToken
                    )
                    .ConfigureAwait(false);
            }

            var now = time.GetUtcNow();
            refusal = request.State switch
            {
                GovernanceRequestState.Pending when now >= request.ExpiresAt => ApprovalRefusal.Expired(),
                GovernanceRequestState.Pending when request.RequestedBy.Principal == actor.Principal =>
                    ApprovalRefusal.SelfApproval(),
                GovernanceRequestState.Pending => null,
                GovernanceRequestState.Expired => ApprovalRefusal.Expired(),
                _ => ApprovalRefusal.NotPending(request.State),
            };
            if (refusal is null)
            {
                var state = approve
                    ? await _kinds[request.Kind]
                        .OnApprovedAsync(connection, transaction, request, actor, cancellationToken)
                        .ConfigureAwait(false)
                    : GovernanceRequestState.Rejected;
                await store
                    .DecideAsync(connection, transaction, id, state, actor, now, cancellationToken)
                    .ConfigureAwait(false);
                await audit
                    .AppendAsync(
                        connection,
                        transaction,
                        new AuditRecord(
                            request.Tenant,
                            actor,
                            $"{request.Kind}.{(approve ? "approved" : "rejected")}",
                            request.Target,
                            new JsonObject { ["state"] = state }
                        ),
                        cancellationToken
                    )
                    .ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                logger.LogInformation(
                    "{Target} of tenant {Tenant} {Decision} by {Principal}",
                    request.Target,
                    request.Tenant,
                    approve ? "approved" : "rejected",
                    actor.Principal
                );
                return new ApprovalDecision(request with { State = state, DecidedBy = actor, DecidedAt = now }, null);
            }
            if (refusal.Reason == "expired" && request.State == GovernanceRequestState.Pending)
            {
                // The answer came too late: the request expires now, whether or not the expiry sweep got to it first.
                await ExpireAsync(connection, transaction, request, now, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        return await RefuseAsync(request.Tenant, actor, request.Kind, request.Target, verb, refusal, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// An approver decides its own tenant's requests; an operator decides offboardings, of any tenant, and nothing
    /// else. No tenant's approver decides an offboarding, not even of its own tenant.
    /// </summary>
    public static bool MayDecide(ApiKeyPrincipal decider, GovernanceRequest request)
    {
        ArgumentNullException.ThrowIfNull(decider);
        ArgumentNullException.ThrowIfNull(request);
        var offboarding =
            request.Kind == Deletion.DeletionRequests.Kind && Deletion.DeletionScope.IsOffboarding(request.Payload);
        return offboarding
            ? decider.Has(ApiKeyScope.Operator)
            : decider.Has(ApiKeyScope.Approver) && request.Tenant == decider.Tenant;
    }

    /// <summary>Expires every pending request past its expiry; returns how many.</summary>
    public virtual async Task<int> ExpireOverdueAsync(CancellationToken cancellationToken = default)
    {
        var expired = 0;
        foreach (var id in await store.OverdueAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection
                .BeginTransactionAsync(cancellationToken)
                .ConfigureAwait(false);
            var request = await store.LockAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            if (request is not { State: GovernanceRequestState.Pending } || now < request.ExpiresAt)
                continue;
            await ExpireAsync(connection, transaction, request, now, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            expired++;
        }
        return expired;
    }

    private async Task ExpireAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        GovernanceRequest request,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        await store
            .DecideAsync(
                connection,
                transaction,
                request.Id,
                GovernanceRequestState.Expired,
                null,
                now,
                cancellationToken
            )
            .ConfigureAwait(false);
        await audit
            .AppendAsync(
                connection,
                transaction,
                new AuditRecord(
                    request.Tenant,
                    AuditActor.ForSystem("governance"),
                    $"{request.Kind}.expired",
                    request.Target,
                    new JsonObject { ["expires_at"] = request.ExpiresAt.UtcDateTime.ToString("O") }
                ),
                cancellationToken
            )
            .ConfigureAwait(false);
        logger.LogInformation("{Target} of tenant {Tenant} expired unanswered", request.Target, request.Tenant);
    }

    private async Task<ApprovalDecision> RefuseAsync(
        string tenant,
        AuditActor actor,
        string kind,
        string target,
        string verb,
        ApprovalRefusal refusal,
        CancellationToken cancellationToken
    )
    {
        await AppendRefusalAsync(
                tenant,
                actor,
                target.Contains('/', StringComparison.Ordinal) ? target : $"{kind}/{Cut(target)}",
                verb,
                refusal,
                cancellationToken
            )
            .ConfigureAwait(false);
        logger.LogWarning(
            "{Verb} of {Target} by {Principal} of tenant {Tenant} refused: {Reason}",
            verb,
            target,
            actor.Principal,
            tenant,
            refusal.Reason
        );
        return new ApprovalDecision(null, refusal);
    }

    private Task AppendRefusalAsync(
        string tenant,
        AuditActor actor,
        string target,
        string verb,
        ApprovalRefusal refusal,
        CancellationToken cancellationToken
    ) =>
        audit.AppendAsync(
            new AuditRecord(
                tenant,
                actor,
                $"{target.Split('/')[0]}.approval_refused",
                target,
                new JsonObject
                {
                    ["attempt"] = verb,
                    ["reason"] = refusal.Reason,
                    ["code"] = refusal.Code,
                }
            ),
            cancellationToken
        );

    /// <summary>A forged id is recorded as sent, but never at any length.</summary>
    private static string Cut(string text) => text.Length <= 80 ? text : text[..80];
}
