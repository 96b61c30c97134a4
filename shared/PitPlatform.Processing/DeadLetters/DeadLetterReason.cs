namespace PitPlatform.Processing.DeadLetters;

/// <summary>Reasons a consumer dead-letters a record (beside the envelope validation outcomes).</summary>
public static class DeadLetterReason
{
    public const string InvalidPayload = "invalid_payload";
    public const string ArithmeticOverflow = "arithmetic_overflow";
    public const string IdempotencyConflict = "idempotency_conflict";
    public const string InvalidFill = "invalid_fill";
}
