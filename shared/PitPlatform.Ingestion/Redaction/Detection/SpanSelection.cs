namespace PitPlatform.Ingestion.Redaction.Detection;

/// <summary>
/// Resolves overlapping spans from different detectors, deterministically: within each group of mutually overlapping
/// spans the longest wins, then the leftmost, then the lower <see cref="PiiKind"/>; spans overlapping a winner are
/// dropped. The result is ordered by position and never overlaps.
/// </summary>
internal static class SpanSelection
{
    private static readonly Comparison<PiiSpan> ByPosition = (a, b) =>
        a.Start != b.Start ? a.Start.CompareTo(b.Start)
        : a.Length != b.Length ? b.Length.CompareTo(a.Length)
        : a.Kind.CompareTo(b.Kind);

    private static readonly Comparison<PiiSpan> ByPrecedence = (a, b) =>
        a.Length != b.Length ? b.Length.CompareTo(a.Length)
        : a.Start != b.Start ? a.Start.CompareTo(b.Start)
        : a.Kind.CompareTo(b.Kind);

    public static List<PiiSpan> Resolve(List<PiiSpan> spans)
    {
        spans.Sort(ByPosition);
        var chosen = new List<PiiSpan>(spans.Count);
        var i = 0;
        while (i < spans.Count)
        {
            // Overlaps are rare, so the spans are cut into clusters that chain by overlap and only a cluster of more
            // than one span is ranked.
            var clusterEnd = spans[i].End;
            var j = i + 1;
            while (j < spans.Count && spans[j].Start < clusterEnd)
            {
                clusterEnd = Math.Max(clusterEnd, spans[j].End);
                j++;
            }
            if (j - i == 1)
                chosen.Add(spans[i]);
            else
                chosen.AddRange(ResolveCluster(spans.GetRange(i, j - i)));
            i = j;
        }
        return chosen;
    }

    private static List<PiiSpan> ResolveCluster(List<PiiSpan> cluster)
    {
        cluster.Sort(ByPrecedence);
        var winners = new List<PiiSpan>();
        foreach (var span in cluster)
            if (!winners.Exists(w => span.Start < w.End && w.Start < span.End))
                winners.Add(span);
        winners.Sort(ByPosition);
        return winners;
    }
}
