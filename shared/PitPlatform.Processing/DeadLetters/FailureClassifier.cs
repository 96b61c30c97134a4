using System.Net.Sockets;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Google.Protobuf;
using Npgsql;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Processing.Archive;
using PitPlatform.Processing.Nav;

namespace PitPlatform.Processing.DeadLetters;

/// <summary>
/// The one table that says what a consumer's exception means (docs/DELIVERY.md, "Failures: transient, permanent,
/// unknown"). It runs only on the failure path, so it costs the success path nothing. When in doubt a failure
/// is Transient rather than Permanent: a stalled partition is visible and loses nothing, whereas a failure that every
/// record would meet (a bad deployment, a missing table) classified as Permanent would dead-letter the whole topic.
/// </summary>
public static partial class FailureClassifier
{
    public static ConsumerFailure Classify(Exception exception, CancellationToken cancellationToken)
    {
        // A stop, not a failure: the host leaves the batch uncommitted for the next member.
        if (cancellationToken.IsCancellationRequested)
            return ConsumerFailure.Transient("the consumer is stopping");
        return Classify(exception);
    }

    public static ConsumerFailure Classify(Exception exception) =>
        exception switch
        {
            AggregateException aggregate => Worst(aggregate.Flatten().InnerExceptions),
            PostgresException postgres => ClassifyPostgres(postgres),
            NpgsqlException npgsql => npgsql.IsTransient
            || npgsql.InnerException is null
            || Classify(npgsql.InnerException).Class == FailureClass.Transient
                ? ConsumerFailure.Transient($"postgres unreachable: {Describe(npgsql)}")
                : ConsumerFailure.Unknown(Describe(npgsql)),
            KafkaProduceException produce when RecordRefusals.Contains(produce.Code) => ConsumerFailure.Permanent(
                DeadLetterReason.OutputRefused,
                $"kafka {produce.Code}: {Scrub(produce.Message)}"
            ),
            EnvelopeTooLargeException tooLarge => ConsumerFailure.Permanent(
                DeadLetterReason.OutputRefused,
                tooLarge.Message
            ),
            // Any other produce error is the broker's or the connection's (retriable codes, timeouts, a fatal producer
            // that needs a restart): every record would meet it, so it never dead-letters.
            KafkaProduceException produce => ConsumerFailure.Transient(
                $"kafka {produce.Code}: {Scrub(produce.Message)}"
            ),
            KafkaException kafka => ConsumerFailure.Transient($"kafka {kafka.Error.Code}: {Scrub(kafka.Error.Reason)}"),
            // A blob already holding other bytes is the archive's alarm (docs/runbooks/archive.md): the chain stops
            // until an operator resolves it, rather than leave a gap by dead-lettering the range.
            ArchiveConflictException conflict => ConsumerFailure.Transient(conflict.Message),
            Azure.RequestFailedException blob => ConsumerFailure.Transient(
                $"blob storage {blob.Status} {blob.ErrorCode}"
            ),
            // Before IOException, which InvalidProtocolBufferException derives from.
            InvalidProtocolBufferException or FormatException or ArgumentException or System.Text.Json.JsonException =>
                ConsumerFailure.Permanent(DeadLetterReason.Undecodable, Describe(exception)),
            // Not the stop (checked first): a client's own timeout.
            OperationCanceledException or TimeoutException or IOException or SocketException or HttpRequestException =>
                ConsumerFailure.Transient(Describe(exception)),
            InvalidFillException => ConsumerFailure.Permanent(DeadLetterReason.InvalidFill, Describe(exception)),
            OverflowException => ConsumerFailure.Permanent(DeadLetterReason.ArithmeticOverflow, Describe(exception)),
            // A wrapper around an outage is still an outage; around anything else it stays unknown.
            { InnerException: { } inner } when Classify(inner).Class == FailureClass.Transient => Classify(inner),
            _ => ConsumerFailure.Unknown(Describe(exception)),
        };

    /// <summary>
    /// Postgres by SqlState (https://www.postgresql.org/docs/current/errcodes-appendix.html): the data classes are the
    /// record's fault; connection, resource, operator and concurrency classes are transient; so are schema and
    /// permission errors (42, 3D, 3F, 28), which every record would meet until the deployment is fixed.
    /// </summary>
    private static ConsumerFailure ClassifyPostgres(PostgresException e)
    {
        var state = e.SqlState;
        // The idempotency hit the handlers expect: another consumer (a rebalance) wrote the processed row first; the
        // retried batch finds the record processed.
        if (
            state == PostgresErrorCodes.UniqueViolation
            && e.ConstraintName is "processed_events_pkey" or "consumer_watermarks_pkey"
        )
            return ConsumerFailure.Transient(StoreDetail(e));
        if (e.IsTransient)
            return ConsumerFailure.Transient(StoreDetail(e));
        return state.Length < 2
            ? ConsumerFailure.Unknown(StoreDetail(e))
            : state[..2] switch
            {
                "22" or "23" => ConsumerFailure.Permanent(DeadLetterReason.StoreRefused, StoreDetail(e)),
                "40" when state == PostgresErrorCodes.TransactionIntegrityConstraintViolation =>
                    ConsumerFailure.Permanent(DeadLetterReason.StoreRefused, StoreDetail(e)),
                "54" when state == PostgresErrorCodes.ProgramLimitExceeded => ConsumerFailure.Permanent(
                    DeadLetterReason.StoreRefused,
                    StoreDetail(e)
                ),
                "08" or "40" or "53" or "55" or "57" or "58" or "28" or "3D" or "3F" or "42" =>
                    ConsumerFailure.Transient(StoreDetail(e)),
                _ => ConsumerFailure.Unknown(StoreDetail(e)),
            };
    }

    /// <summary>
    /// "sqlstate 22021: invalid byte sequence ... (table cell_positions)": the SqlState first, for operators to grep.
    /// </summary>
    private static string StoreDetail(PostgresException e)
    {
        var where = string.Join(
            ", ",
            new[] { ("table", e.TableName), ("column", e.ColumnName), ("constraint", e.ConstraintName) }
                .Where(p => !string.IsNullOrEmpty(p.Item2))
                .Select(p => $"{p.Item1} {p.Item2}")
        );
        return $"sqlstate {e.SqlState}: {e.MessageText}{(where.Length > 0 ? $" ({where})" : "")}";
    }

    /// <summary>Kafka codes that are about the record, not the broker.</summary>
    private static readonly HashSet<ErrorCode> RecordRefusals =
    [
        ErrorCode.MsgSizeTooLarge,
        ErrorCode.InvalidMsgSize,
        ErrorCode.RecordListTooLarge,
        ErrorCode.InvalidRecord,
        ErrorCode.InvalidMsg,
        ErrorCode.Local_BadMsg,
    ];

    /// <summary>
    /// The failure that decides: any transient part makes the whole transient, then unknown, then permanent.
    /// </summary>
    private static ConsumerFailure Worst(IEnumerable<Exception> exceptions)
    {
        ConsumerFailure? worst = null;
        foreach (var failure in exceptions.Select(Classify))
        {
            if (failure.Class == FailureClass.Transient)
                return failure;
            if (worst is null || failure.Class == FailureClass.Unknown)
                worst = failure;
        }
        return worst ?? ConsumerFailure.Unknown("an empty AggregateException");
    }

    /// <summary>
    /// The type and message, no stack trace, without anything that looks like a credential, cut to 1,000 characters.
    /// </summary>
    public static string Describe(Exception e)
    {
        var text = $"{e.GetType().FullName}: {Scrub(e.Message)}";
        return text.Length > 1000 ? text[..1000] : text;
    }

    private static string Scrub(string message) => Credential().Replace(message, "$1=***");

    [GeneratedRegex(@"(?i)\b(password|pwd|secret|sig|accountkey|sharedaccesskey|access_token|token)=[^;&\s]+")]
    private static partial Regex Credential();
}
