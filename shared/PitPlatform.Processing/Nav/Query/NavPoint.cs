namespace PitPlatform.Processing.Nav;

/// <summary>
/// One point of a NAV answer. Raw: one stored point. Bucketed: <see cref="Ts"/> is the bucket start and the amounts
/// and <see cref="FillsApplied"/> are the bucket's last point (at <see cref="LastTs"/>), with the bucket's lowest and
/// highest NAV and its point count.
/// </summary>
public sealed record NavPoint(
    DateTime Ts,
    string Cell,
    string Currency,
    long NavMicros,
    long CashMicros,
    long PositionsValueMicros,
    long FillsApplied
)
{
    public DateTime? LastTs { get; init; }
    public long? MinNavMicros { get; init; }
    public long? MaxNavMicros { get; init; }
    public long? Points { get; init; }

    /// <summary>The order key the next page starts after.</summary>
    internal Guid EventId { get; init; }
}

public sealed record NavResponse(IReadOnlyList<NavPoint> Data, NavMeta Meta);

public sealed record NavMeta(
    string Series,
    string? Cell,
    string? Currency,
    string Interval,
    DateTime? From,
    DateTime? To,
    int Count,
    int Limit,
    string? NextPageToken
);
