namespace PitPlatform.Processing.Usage;

/// <summary>
/// One tenant's LLM usage on one UTC day for one model and currency. Adding is checked: an overflow throws.
/// </summary>
public sealed record DailyUsage(long Calls, long InputTokens, long OutputTokens, long CostMicros)
{
    public static readonly DailyUsage Zero = new(0, 0, 0, 0);

    /// <exception cref="OverflowException">A total would leave the 64-bit range.</exception>
    public DailyUsage Add(long calls, long inputTokens, long outputTokens, long costMicros) =>
        new(
            checked(Calls + calls),
            checked(InputTokens + inputTokens),
            checked(OutputTokens + outputTokens),
            checked(CostMicros + costMicros)
        );
}
