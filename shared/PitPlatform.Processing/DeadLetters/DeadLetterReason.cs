namespace PitPlatform.Processing.DeadLetters;

/// <summary>
/// Reasons a consumer dead-letters a record (beside the envelope validation outcomes). Stable snake_case: operators
/// filter on them (<c>./pit dlq list --reason</c>) and dashboards group by them.
/// </summary>
public static class DeadLetterReason
{
    public const string InvalidPayload = "invalid_payload";
    public const string ArithmeticOverflow = "arithmetic_overflow";
    public const string IdempotencyConflict = "idempotency_conflict";
    public const string InvalidFill = "invalid_fill";

    /// <summary>
    /// Postgres refused the record's data (SqlState class 22 or 23, 40002, 54000); the error starts with the SqlState.
    /// </summary>
    public const string StoreRefused = "store_refused";

    /// <summary>
    /// Kafka refused an output the record led to (too large, an invalid record); retrying cannot help.
    /// </summary>
    public const string OutputRefused = "output_refused";

    /// <summary>
    /// The consumer threw while decoding the record (a format, argument or protobuf error it did not catch itself).
    /// </summary>
    public const string Undecodable = "undecodable";

    /// <summary>The record failed alone with an error of no known class, every one of its bounded attempts.</summary>
    public const string UnknownFailure = "unknown_failure";
}
