namespace PitPlatform.Fuzz;

/// <summary>
/// Findings of the fuzzer that other branches own and are fixing; the slice in ./pit test tolerates exactly these so it
/// is green meanwhile. ./pit fuzz ignores this list: it reports them, and fails on them, until the fixes land. Empty
/// it, entry by entry, as those branches merge.
/// </summary>
public static class KnownFindings
{
    /// <summary>What the slice does with a case of a known finding.</summary>
    public enum Handling
    {
        /// <summary>Sent; a 5xx answer (with the error body) is not counted as a failure.</summary>
        Tolerate5xx,

        /// <summary>
        /// Not sent: the request is accepted and then stalls a consumer, which would fail the checks after it.
        /// </summary>
        HoldBack,
    }

    /// <param name="Kind">The case's mutation (<see cref="FuzzCase.Kind"/>).</param>
    /// <param name="Operation">The operation it hits ("METHOD /path" as in the spec), or null for every
    /// operation.</param>
    public sealed record Finding(string Kind, string? Operation, Handling Handling, string Owner);

    public static readonly IReadOnlyList<Finding> All = [];

    /// <summary>The known finding a case falls under (the most specific), or null.</summary>
    public static Finding? For(FuzzCase fuzzCase) =>
        All.Where(f => f.Kind == fuzzCase.Kind && (f.Operation is null || f.Operation == fuzzCase.Operation))
            .OrderByDescending(f => f.Operation is not null)
            .FirstOrDefault();
}
