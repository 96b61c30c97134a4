using System.Text.Json.Nodes;
using Npgsql;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Envelopes;
using PitPlatform.Contracts.Events.V1;
using PitPlatform.Governance.Audit;
using PitPlatform.Processing.Archive;

namespace PitPlatform.Governance.Deletion;

/// <summary>
/// The archive side of a deletion (step purge_archive): which archived envelopes belong to the scope, and the
/// archive.redacted audit entry each range-file rewrite gets. The rule follows the Postgres purges: tenant, series and
/// cell by the envelope's canonical key fields; a subject by the llm_call payload's user_ref_hash within the tenant.
/// </summary>
public static class DeletionArchive
{
    public const string RedactedAction = "archive.redacted";

    public static Func<EventEnvelope, bool> Matcher(string tenant, DeletionScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return scope.Kind switch
        {
            DeletionScope.Tenant => e => e.Tenant == tenant,
            DeletionScope.SeriesKind => e => e.Tenant == tenant && e.Series == scope.Series,
            DeletionScope.CellKind => e => e.Tenant == tenant && e.Series == scope.Series && e.Cell == scope.Cell,
            _ => e => e.Tenant == tenant && e.PayloadType == PayloadTypes.LlmCall && SubjectOf(e) == scope.Subject,
        };
    }

    /// <summary>Appends the rewrite's audit entry in the recording transaction; returns its sequence.</summary>
    public static Func<NpgsqlConnection, NpgsqlTransaction, ArchiveRedaction, CancellationToken, Task<long>> Audit(
        AuditTrail audit,
        Guid deletionId
    ) =>
        async (connection, transaction, redaction, cancellationToken) =>
        {
            var entry = await audit
                .AppendAsync(
                    connection,
                    transaction,
                    new AuditRecord(
                        redaction.Tenant,
                        AuditActor.ForSystem("deletion"),
                        RedactedAction,
                        redaction.RangeName,
                        new JsonObject
                        {
                            ["topic"] = redaction.Topic,
                            ["partition"] = redaction.Partition,
                            ["range"] = redaction.RangeName,
                            ["original_sha256"] = redaction.OriginalSha256,
                            ["new_sha256"] = redaction.NewSha256,
                            ["records_removed"] = redaction.RecordsRemoved,
                            ["deletion_id"] = deletionId.ToString("D"),
                        }
                    ),
                    cancellationToken
                )
                .ConfigureAwait(false);
            return entry.Sequence;
        };

    private static string? SubjectOf(EventEnvelope envelope)
    {
        try
        {
            return LlmCallEvent.Parser.ParseFrom(envelope.Payload).UserRefHash;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return null; // not a readable call: it names no subject
        }
    }
}
