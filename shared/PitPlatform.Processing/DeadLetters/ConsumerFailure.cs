namespace PitPlatform.Processing.DeadLetters;

/// <summary>
/// What a consumer's failure says about the record, and so what <see cref="ConsumerGuard"/> does with it.
/// </summary>
public enum FailureClass
{
    /// <summary>
    /// Something outside the record failed (broker, database, network): retry the batch, without limit.
    /// </summary>
    Transient,

    /// <summary>
    /// The record itself is at fault (its data, its decoding): dead-letter it and go on with the rest.
    /// </summary>
    Permanent,

    /// <summary>Neither is known: retry the record a bounded number of times, then dead-letter it.</summary>
    Unknown,
}

/// <summary>
/// A classified failure: its class, the dead-letter reason it would file under, and a detail free of secrets.
/// </summary>
public readonly record struct ConsumerFailure(FailureClass Class, string Reason, string Detail)
{
    public static ConsumerFailure Transient(string detail) => new(FailureClass.Transient, "", detail);

    public static ConsumerFailure Permanent(string reason, string detail) =>
        new(FailureClass.Permanent, reason, detail);

    public static ConsumerFailure Unknown(string detail) =>
        new(FailureClass.Unknown, DeadLetterReason.UnknownFailure, detail);

    public override string ToString() => Reason.Length > 0 ? $"{Class} ({Reason}): {Detail}" : $"{Class}: {Detail}";
}
